/**
 * The operations listener: /metrics for Prometheus, /healthz for liveness (200 while the
 * process runs) and /readyz for readiness (200 only once `serve` says so: signatures compiled
 * and gRPC listening; 503 again while draining). Kept apart from the gRPC port so a scrape or
 * a probe never competes with ext_proc streams for HTTP/2 connections.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { formatListen, type Listen } from "../config/listen.js";

/** What the listener serves: a Registry, or the primary's aggregate of its workers' registries. */
export type MetricsSource = Pick<Registry, "metrics" | "getMetricsAsJSON" | "contentType">;

export interface MetricsServerOptions {
  readonly listen: Listen;
  readonly registry: MetricsSource;
  /** Read on every /readyz request. */
  readonly isReady: () => boolean;
}

export interface MetricsServer {
  /** The bound port (useful when `listen.port` was 0). */
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) reply(res, 500, `metrics collection failed: ${message}\n`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than Prometheus' default scrape interval
  await listen(server, options.listen);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeIdleConnections();
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: MetricsServerOptions,
): Promise<void> {
  const path = (req.url ?? "/").split("?", 1)[0];
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    reply(res, 405, "method not allowed\n");
    return;
  }
  switch (path) {
    case "/metrics": {
      const body = await options.registry.metrics();
      reply(res, 200, body, options.registry.contentType);
      return;
    }
    case "/healthz":
      reply(res, 200, "ok\n");
      return;
    case "/readyz":
      if (options.isReady()) reply(res, 200, "ready\n");
      else reply(res, 503, "not ready\n");
      return;
    default:
      reply(res, 404, "not found: try /metrics, /healthz or /readyz\n");
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = "text/plain; charset=utf-8",
): void {
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

function listen(server: Server, where: Listen): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      const message = `metrics listener: cannot listen on ${formatListen(where)}: ${error.message}`;
      reject(new Error(message, { cause: error }));
    };
    server.once("error", fail);
    server.listen(where.port, where.host, () => {
      server.off("error", fail);
      resolve();
    });
  });
}
