/**
 * The traffic side of the live dashboard test: an upstream that answers 200 to anything
 * (loopback only), and a client that sends test/fixtures/deploy/live-traffic.json's requests
 * through `weir proxy` and reports the status each got.
 */
import { readFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface LiveRequest {
  readonly name: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly contentType?: string;
  readonly body?: string;
  /** What the client must get: 200 passed through, 403 blocked by weir. */
  readonly status: number;
}

export interface LiveTraffic {
  readonly requests: readonly LiveRequest[];
  /** Dashboard panel titles whose every query must show a value above zero. */
  readonly mustShowData: readonly string[];
}

export function loadLiveTraffic(): LiveTraffic {
  const url = new URL("../fixtures/deploy/live-traffic.json", import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as LiveTraffic;
}

export interface Upstream {
  readonly port: number;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end("ok\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Sends one request to `baseUrl` and resolves with the status it got. */
export async function send(baseUrl: string, r: LiveRequest): Promise<number> {
  const url = new URL(baseUrl);
  const body = r.body ?? "";
  const headers: Record<string, string> = { "user-agent": "weir-dashboard-live-test/1" };
  if (r.contentType !== undefined) headers["content-type"] = r.contentType;
  if (r.method === "POST") headers["content-length"] = String(Buffer.byteLength(body));
  return await new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: r.method, path: r.path, headers },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`${r.method} ${r.path} timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}
