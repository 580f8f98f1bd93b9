// mTLS between Envoy and weir: `weir serve` with tls.cert, tls.key and tls.clientCa accepts a
// client certificate signed by that CA and refuses everything else; a new certificate written
// over the old files is served after the reload their change triggers. Certificates are made
// with openssl at test time; without openssl the tests are skipped, saying why.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExtProcClient } from "./ext-proc-client.js";
import { markerSignatures, remove, ServeHarness, tempDir, write } from "./serve-harness.js";
import { makeLeaf, makeTestPki, opensslMissing } from "./test-certificates.js";

const missing = opensslMissing();
if (missing !== undefined) console.warn(`skipping the TLS tests: ${missing}`);

describe.skipIf(missing !== undefined)("weir serve with mTLS", () => {
  let dir = "";
  let pki = "";
  let h: ServeHarness;
  const read = (name: string) => readFileSync(join(pki, name));
  const clients: ExtProcClient[] = [];
  const clientWith = (identity: string | undefined) => {
    const creds = grpc.credentials.createSsl(
      read("ca.crt"),
      identity === undefined ? null : read(`${identity}.key`),
      identity === undefined ? null : read(`${identity}.crt`),
    );
    const client = new ExtProcClient(h.ports.grpc, creds, {
      "grpc.ssl_target_name_override": "localhost",
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = tempDir();
    pki = join(dir, "pki");
    mkdirSync(pki);
    makeTestPki(pki);
    mkdirSync(join(dir, "tls"));
    for (const name of ["server.crt", "server.key", "ca.crt"]) {
      copyFileSync(join(pki, name), join(dir, "tls", name));
    }
    mkdirSync(join(dir, "sigs"));
    write(join(dir, "sigs", "markers.yaml"), markerSignatures("weirtestalpha"));
    write(
      join(dir, "weir.yaml"),
      `listeners:
  grpc: { address: "127.0.0.1:0" }
  metrics: { address: "127.0.0.1:0" }
signatures: sigs
cacheDir: "off"
tls:
  cert: tls/server.crt
  key: tls/server.key
  clientCa: tls/ca.crt
`,
    );
    h = await ServeHarness.start({ config: join(dir, "weir.yaml") });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await h?.stop();
    remove(dir);
  });

  it("serves Envoy presenting a client certificate from the configured CA", async () => {
    expect(h.lines.find((l) => l.msg === "weir serving")).toMatchObject({ tls: "mtls" });
    expect(await clientWith("envoy").post("q=weirtestalpha")).toBe("block");
    expect(await clientWith("envoy").post("q=hello")).toBe("continue");
  });

  it("refuses a client without a certificate, with one from another CA, and plain text", async () => {
    for (const client of [
      clientWith(undefined),
      clientWith("intruder"),
      new ExtProcClient(h.ports.grpc),
    ]) {
      clients.push(client);
      await expect(client.post("q=hello")).rejects.toThrow(/UNAVAILABLE/);
    }
  });

  it("serves a new certificate written over the old files, after the reload it triggers", async () => {
    expect(await servedSerial(h.ports.grpc)).toBe("1001");
    makeLeaf(pki, "server2", "ca", "serverAuth", 0x1002);
    const rotated = h.waitFor((l) => l.msg === "TLS certificate reloaded");
    // Key first, then certificate, as a Secret update would land them (one ..data swap).
    copyFileSync(join(pki, "server2.key"), join(dir, "tls", "server.key"));
    copyFileSync(join(pki, "server2.crt"), join(dir, "tls", "server.crt"));
    await rotated;
    expect(await servedSerial(h.ports.grpc)).toBe("1002");
    expect(await clientWith("envoy").post("q=weirtestalpha")).toBe("block");
  });

  /** The serial number of the certificate weir presents to a new connection. */
  function servedSerial(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect({
        host: "127.0.0.1",
        port,
        servername: "localhost",
        ca: read("ca.crt"),
        key: read("envoy.key"),
        cert: read("envoy.crt"),
        ALPNProtocols: ["h2"],
      });
      socket.once("secureConnect", () => {
        resolve(socket.getPeerCertificate().serialNumber);
        socket.destroy();
      });
      socket.once("error", reject);
    });
  }
});
