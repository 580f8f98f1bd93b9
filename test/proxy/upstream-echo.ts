/**
 * A real upstream for proxy tests: a node:http server on 127.0.0.1:0 that records every request
 * (headers, body chunks as they arrive, whether it completed) and echoes it back as JSON.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  chunks: Buffer[];
  trailers: Record<string, string>;
  complete: boolean;
  /** Resolves when the request ended or was aborted. */
  settled: Promise<void>;
}

export interface EchoUpstream {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export async function startEchoUpstream(): Promise<EchoUpstream> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let settle: () => void = () => {};
    const seen: SeenRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      chunks: [],
      trailers: {},
      complete: false,
      settled: new Promise((resolve) => {
        settle = resolve;
      }),
    };
    requests.push(seen);
    req.on("data", (chunk: Buffer) => seen.chunks.push(chunk));
    req.on("close", () => settle());
    req.on("end", () => {
      seen.complete = true;
      seen.trailers = req.trailers as Record<string, string>;
      const body = JSON.stringify({
        method: seen.method,
        url: seen.url,
        body: Buffer.concat(seen.chunks).toString("utf8"),
      });
      res.writeHead(200, { "content-type": "application/json", "x-upstream": "echo" });
      res.end(body);
      settle();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
