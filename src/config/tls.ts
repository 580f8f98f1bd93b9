/**
 * TLS for the gRPC listener: which files hold the server certificate, its key and the CA that
 * Envoy's client certificate must chain to, and reading them. The files are read and checked
 * here (PEM syntax, the key matching the certificate) so that a bad file is reported with its
 * name at start or at a reload, before the listener is asked to use it: a listener given a bad
 * certificate would refuse every connection.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { existingFile, type Setting } from "./setting.js";

export interface TlsFiles {
  /** Server certificate chain, PEM. */
  readonly cert: string;
  /** Server private key, PEM. */
  readonly key: string;
  /** CA bundle, PEM; set: clients must present a certificate that chains to it. */
  readonly clientCa: string | undefined;
}

export interface TlsConfig {
  readonly files: TlsFiles;
  /** True when clientCa is set: a connection without a valid client certificate is refused. */
  readonly requireClientCert: boolean;
}

const pemFile = (what: string): Setting<string | undefined>["parse"] => existingFile(what);

export const TLS_CERT: Setting<string | undefined> = {
  flag: "tls-cert",
  env: "WEIR_TLS_CERT",
  valueName: "FILE",
  help: "server certificate chain (PEM): the gRPC listener speaks TLS; needs --tls-key",
  defaultText: "none (plain-text HTTP/2)",
  default: () => undefined,
  parse: pemFile("a PEM certificate file"),
};

export const TLS_KEY: Setting<string | undefined> = {
  flag: "tls-key",
  env: "WEIR_TLS_KEY",
  valueName: "FILE",
  help: "private key (PEM) of --tls-cert",
  defaultText: "none",
  default: () => undefined,
  parse: pemFile("a PEM private key file"),
};

export const TLS_CLIENT_CA: Setting<string | undefined> = {
  flag: "tls-client-ca",
  env: "WEIR_TLS_CLIENT_CA",
  valueName: "FILE",
  help: "CA bundle (PEM): Envoy must present a client certificate that chains to it (mTLS)",
  defaultText: "none (no client certificate asked)",
  default: () => undefined,
  parse: pemFile("a PEM CA bundle file"),
};

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientCa: Buffer | undefined;
}

export type TlsFileName = keyof TlsFiles;

export interface TlsFileProblem {
  readonly which: TlsFileName;
  readonly message: string;
}

export type TlsRead =
  | { readonly ok: true; readonly material: TlsMaterial }
  | { readonly ok: false; readonly problems: readonly TlsFileProblem[] };

/** Reads and checks the three files; every problem is reported, not just the first. */
export async function readTlsMaterial(files: TlsFiles): Promise<TlsRead> {
  const problems: TlsFileProblem[] = [];
  const read = async (which: TlsFileName, path: string): Promise<Buffer | undefined> => {
    try {
      return await readFile(path);
    } catch (error: unknown) {
      const code = (error as { code?: unknown }).code;
      const why =
        code === "ENOENT" ? "the file does not exist" : `cannot read it (${String(code)})`;
      problems.push({ which, message: `${path}: ${why}` });
      return undefined;
    }
  };
  const cert = await read("cert", files.cert);
  const key = await read("key", files.key);
  const clientCa =
    files.clientCa === undefined ? undefined : await read("clientCa", files.clientCa);

  let certificate: X509Certificate | undefined;
  if (cert !== undefined) {
    certificate = parseCertificate(cert, "cert", files.cert, problems);
  }
  if (key !== undefined) {
    try {
      const privateKey = createPrivateKey(key);
      if (certificate !== undefined && !certificate.checkPrivateKey(privateKey)) {
        problems.push({
          which: "key",
          message: `${files.key}: this key does not belong to the certificate in ${files.cert}`,
        });
      }
    } catch {
      problems.push({ which: "key", message: `${files.key}: not a PEM private key` });
    }
  }
  if (clientCa !== undefined && files.clientCa !== undefined) {
    parseCertificate(clientCa, "clientCa", files.clientCa, problems);
  }
  if (problems.length > 0 || cert === undefined || key === undefined) {
    return { ok: false, problems };
  }
  return { ok: true, material: { cert, key, clientCa } };
}

function parseCertificate(
  pem: Buffer,
  which: TlsFileName,
  path: string,
  problems: TlsFileProblem[],
): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    problems.push({ which, message: `${path}: not a PEM certificate` });
    return undefined;
  }
}

/** True when two readings hold the same bytes (a reload then changes nothing). */
export function sameTlsMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  const same = (x: Buffer | undefined, y: Buffer | undefined) =>
    x === undefined || y === undefined ? x === y : x.equals(y);
  return same(a.cert, b.cert) && same(a.key, b.key) && same(a.clientCa, b.clientCa);
}
