/** A curl-like client for proxy tests: node:http requests with control over body writes. */
import { type ClientRequest, type IncomingHttpHeaders, request } from "node:http";

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  // Not flushed early: node then sends content-length for a body given to end().
  const req = request({
    host: "127.0.0.1",
    port,
    method,
    path,
    headers: options.headers ?? {},
    agent: false,
  });
  const reply = replyOf(req);
  req.end(options.body);
  return reply;
}

/** Opens a request and sends its headers at once; the body is written by the caller. */
export function open(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): ClientRequest {
  const req = request({ host: "127.0.0.1", port, method, path, headers, agent: false });
  req.flushHeaders();
  return req;
}

export function replyOf(req: ClientRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on("error", reject);
    });
  });
}
