/**
 * Certificates for the TLS tests, made with `openssl` at test time in a temporary directory:
 * a CA, a server certificate for 127.0.0.1 and localhost, a client certificate it signed, and
 * a client certificate signed by another CA (which weir must refuse). EC P-256 keys, valid for
 * two days. `opensslMissing()` says why the tests are skipped on a machine without openssl.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function opensslMissing(): string | undefined {
  const probe = spawnSync("openssl", ["version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    return "openssl is not installed (apt-get install openssl); the TLS tests need it to make certificates";
  }
  return undefined;
}

function openssl(dir: string, args: readonly string[]): void {
  const run = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${run.stderr}`);
}

const KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** A self-signed CA: `<name>.crt`, `<name>.key`. */
export function makeCa(dir: string, name: string): void {
  openssl(dir, [
    "req",
    "-x509",
    ...KEY,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
  ]);
}

/** A leaf certificate `<name>.crt`/`<name>.key` signed by CA `<ca>`, with the given serial. */
export function makeLeaf(
  dir: string,
  name: string,
  ca: string,
  usage: "serverAuth" | "clientAuth",
  serial: number,
): void {
  const ext = join(dir, `${name}.ext`);
  const san = usage === "serverAuth" ? "subjectAltName=DNS:localhost,IP:127.0.0.1\n" : "";
  writeFileSync(ext, `${san}extendedKeyUsage=${usage}\n`);
  openssl(dir, [
    "req",
    ...KEY,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=${name}`,
  ]);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${ca}.crt`,
    "-CAkey",
    `${ca}.key`,
    "-set_serial",
    String(serial),
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-extfile",
    ext,
  ]);
}

/** Everything the TLS tests use, in `dir`. */
export function makeTestPki(dir: string): void {
  makeCa(dir, "ca");
  makeCa(dir, "other-ca");
  makeLeaf(dir, "server", "ca", "serverAuth", 0x1001);
  makeLeaf(dir, "envoy", "ca", "clientAuth", 0x2001);
  makeLeaf(dir, "intruder", "other-ca", "clientAuth", 0x3001);
}
