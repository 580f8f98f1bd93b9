/**
 * `weir serve --workers N` (N > 1), the primary process: it serves /metrics (every worker's
 * metrics aggregated), /healthz and /readyz (200 once every worker is ready) on
 * --metrics-listen, forks N workers that share the gRPC port (node:cluster hands each new
 * connection to the next worker in turn; grpc-js's HTTP/2 server runs unchanged in each),
 * restarts a worker that dies, and passes signals on: SIGTERM or SIGINT drains every worker
 * (a second one cuts their streams), SIGHUP goes to every worker (reload). It loads no
 * signatures itself.
 */
import type { Address } from "node:cluster";
import type { ServeDeps, SignalSource } from "../cli/serve.js";
import { formatListen } from "../config/listen.js";
import { packageVersion } from "../config/package-paths.js";
import type { ServeConfig } from "../config/serve-config.js";
import { createLogger } from "../log/logger.js";
import { startMetricsServer } from "../metrics/metrics-server.js";
import { createClusterMetrics } from "./cluster-metrics.js";
import { PRIMARY_METRICS_PORT_ENV } from "./worker-link.js";
import { WorkerPool } from "./worker-pool.js";

/** Time a draining worker gets beyond --drain-timeout before the primary kills it. */
const STOP_MARGIN_MS = 10_000;
/** Time workers get to stop after a failed start. */
const FAILED_START_GRACE_MS = 5000;

function nextSignal(signals: SignalSource): Promise<"SIGTERM" | "SIGINT"> {
  return new Promise((resolve) => {
    signals.once("SIGTERM", () => resolve("SIGTERM"));
    signals.once("SIGINT", () => resolve("SIGINT"));
  });
}

function grpcListen(config: ServeConfig, address: Address | undefined): string {
  const host = address?.address ?? config.grpcListen.host;
  return formatListen({ host, port: address?.port ?? config.grpcListen.port });
}

export async function runPrimary(config: ServeConfig, deps: ServeDeps): Promise<number> {
  const log = createLogger({ level: config.logLevel, ...(deps.sink ? { sink: deps.sink } : {}) });
  let stopping = false;
  const pool = new WorkerPool({
    size: config.workers,
    log,
    onRestart: () => metrics.restarts.inc(),
  });
  const metrics = createClusterMetrics(pool);
  const metricsServer = await startMetricsServer({
    listen: config.metricsListen,
    registry: metrics.source,
    isReady: () => !stopping && pool.allReady(),
  });
  const reload = (): void => {
    log.info("passing SIGHUP to the workers", { workers: pool.size });
    pool.forward("SIGHUP");
  };
  deps.signals.on("SIGHUP", reload);
  try {
    const signal = nextSignal(deps.signals);
    const started = pool.start({ [PRIMARY_METRICS_PORT_ENV]: String(metricsServer.port) }).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    const first = await Promise.race([started, signal]);
    if (first instanceof Error) {
      log.error("a worker failed to start; stopping", { error: first.message });
      stopping = true;
      await pool.stop(FAILED_START_GRACE_MS);
      return 1;
    }
    if (first === undefined) {
      log.info("weir cluster serving", {
        version: packageVersion(),
        pid: process.pid,
        workers: pool.size,
        pids: pool.pids(),
        grpc_listen: grpcListen(config, pool.listening),
        metrics_listen: formatListen({ host: config.metricsListen.host, port: metricsServer.port }),
      });
      deps.onReady?.({
        grpc: pool.listening?.port ?? config.grpcListen.port,
        metrics: metricsServer.port,
      });
    }
    const received = first ?? (await signal);
    stopping = true;
    log.info("draining", {
      signal: received,
      workers: pool.size,
      drain_timeout_seconds: config.drainTimeoutSeconds,
    });
    void nextSignal(deps.signals).then((again) => {
      log.warn("closing open streams", { why: `second ${again}` });
      pool.forward("SIGTERM");
    });
    const clean = await pool.stop(config.drainTimeoutSeconds * 1000 + STOP_MARGIN_MS);
    log.info("weir stopped", { clean });
    return clean ? 0 : 1;
  } finally {
    stopping = true;
    deps.signals.removeListener("SIGHUP", reload);
    await metricsServer.close();
  }
}
