/**
 * The grpc-js Server's lifecycle: channel options, bind, health, graceful drain.
 *
 * Options that matter for Envoy (contract §2.S): the receive cap is raised from grpc-js's 4 MiB
 * to 64 MiB by default, because a BUFFERED body arrives as one message and operators may raise
 * Envoy's buffer limit above 4 MiB; sends are unlimited; the HTTP/2 windows are raised
 * (http2-windows.ts); the server pings idle connections so a dead Envoy is noticed.
 *
 * Drain (SIGTERM): health goes NOT_SERVING at once; after an optional notice period (during which
 * new streams are still served, so health checkers can see the change) the server stops accepting
 * streams (tryShutdown: listeners close, connections get GOAWAY) and lets streams in flight finish;
 * whatever is still open after the drain timeout is cut (forceShutdown, streams see CANCELLED and
 * close their inspectors).
 */
import * as grpc from "@grpc/grpc-js";
import { HealthService, healthServiceDefinition } from "./health.js";
import { checkWindow, setConnectionWindow, setStreamWindow } from "./http2-windows.js";
import type { ServerLog } from "./server-log.js";

export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_DRAIN_TIMEOUT_MS = 20_000;
export const DEFAULT_STREAM_WINDOW_BYTES = 1024 * 1024;
export const DEFAULT_CONNECTION_WINDOW_BYTES = 16 * 1024 * 1024;
export const DEFAULT_KEEPALIVE_TIME_MS = 60_000;
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;

export interface GrpcServerOptions {
  /** HOST:PORT (port 0 picks a free port). */
  readonly listen: string;
  /** TLS (or mTLS) credentials for the listener; default plain-text HTTP/2. */
  readonly credentials?: grpc.ServerCredentials;
  readonly maxReceiveMessageBytes?: number;
  readonly drainTimeoutMs?: number;
  /** Time between NOT_SERVING and the stop of new streams during a drain (default 0). */
  readonly drainNoticeMs?: number;
  readonly streamWindowBytes?: number;
  readonly connectionWindowBytes?: number;
  readonly keepaliveTimeMs?: number;
  readonly keepaliveTimeoutMs?: number;
  readonly log: ServerLog;
}

/** What stream handlers may ask about the server's own state. */
export interface ServerLifecycle {
  /** True once the server cuts streams itself (drain timeout, forceClose). */
  readonly forcing: boolean;
}

export interface RunningGrpcServer {
  readonly port: number;
  readonly health: HealthService;
  /** Graceful stop; the same promise for every call. */
  drain(): Promise<void>;
  /** Immediate stop: every stream is cancelled. */
  forceClose(): void;
  /** Readiness; ignored once a drain or close began. */
  setServing(ok: boolean): void;
}

function positive(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${what} must be >= 0, got ${v}`);
  return v;
}

export function serverChannelOptions(options: GrpcServerOptions): grpc.ServerOptions {
  const maxReceive = options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES;
  if (!Number.isInteger(maxReceive) || (maxReceive < 1 && maxReceive !== -1)) {
    throw new RangeError(
      `maxReceiveMessageBytes must be a positive integer or -1, got ${maxReceive}`,
    );
  }
  return {
    "grpc.max_receive_message_length": maxReceive,
    "grpc.max_send_message_length": -1,
    "grpc.keepalive_time_ms": positive(
      options.keepaliveTimeMs,
      DEFAULT_KEEPALIVE_TIME_MS,
      "keepaliveTimeMs",
    ),
    "grpc.keepalive_timeout_ms": positive(
      options.keepaliveTimeoutMs,
      DEFAULT_KEEPALIVE_TIMEOUT_MS,
      "keepaliveTimeoutMs",
    ),
  };
}

/** Create, register services (`register`), bind, start; health SERVING once bound. */
export async function startGrpcServer(
  options: GrpcServerOptions,
  register: (server: grpc.Server, lifecycle: ServerLifecycle) => void,
): Promise<RunningGrpcServer> {
  const { log } = options;
  const drainTimeoutMs = positive(
    options.drainTimeoutMs,
    DEFAULT_DRAIN_TIMEOUT_MS,
    "drainTimeoutMs",
  );
  const drainNoticeMs = positive(options.drainNoticeMs, 0, "drainNoticeMs");
  const streamWindow = checkWindow(
    options.streamWindowBytes ?? DEFAULT_STREAM_WINDOW_BYTES,
    "streamWindowBytes",
  );
  const connectionWindow = checkWindow(
    options.connectionWindowBytes ?? DEFAULT_CONNECTION_WINDOW_BYTES,
    "connectionWindowBytes",
  );

  const server = new grpc.Server(serverChannelOptions(options));
  const health = new HealthService(false);
  server.addService(healthServiceDefinition, health.implementation);
  const lifecycle = { forcing: false };
  register(server, lifecycle);
  const streamWindowApplied = setStreamWindow(server, streamWindow);

  const port = await new Promise<number>((resolve, reject) => {
    const credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
    server.bindAsync(options.listen, credentials, (error, bound) => {
      if (error !== null)
        reject(new Error(`cannot listen on ${options.listen}: ${error.message}`, { cause: error }));
      else resolve(bound);
    });
  });
  const connectionWindowApplied = setConnectionWindow(server, connectionWindow);
  if (!streamWindowApplied || !connectionWindowApplied) {
    log("warn", "http2_window_not_applied", {
      stream_window: streamWindowApplied,
      connection_window: connectionWindowApplied,
      why: "grpc-js internals changed; Node's 65535-byte windows stay in effect",
    });
  }
  health.setServing(true);

  let stopping = false;
  let drained: Promise<void> | undefined;

  const forceClose = (): void => {
    stopping = true;
    lifecycle.forcing = true;
    health.setServing(false);
    health.endWatches();
    server.forceShutdown();
  };

  const drain = (): Promise<void> => {
    drained ??= (async () => {
      stopping = true;
      health.setServing(false);
      log("info", "drain_started", { notice_ms: drainNoticeMs, timeout_ms: drainTimeoutMs });
      if (drainNoticeMs > 0) await new Promise((r) => setTimeout(r, drainNoticeMs));
      health.endWatches();
      const graceful = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), drainTimeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!graceful) {
        log("warn", "drain_timeout", { timeout_ms: drainTimeoutMs, action: "streams cancelled" });
        lifecycle.forcing = true;
        server.forceShutdown();
      }
      log("info", "drain_finished", { graceful });
    })();
    return drained;
  };

  const setServing = (ok: boolean): void => {
    if (!stopping) health.setServing(ok);
  };

  return { port, health, drain, forceClose, setServing };
}

/** Drain on the first of `signals`; returns a function that removes the handlers. */
export function drainOnSignals(
  target: Pick<RunningGrpcServer, "drain">,
  signals: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"],
): () => void {
  const onSignal = (): void => {
    void target.drain();
  };
  for (const signal of signals) process.once(signal, onSignal);
  return () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
}
