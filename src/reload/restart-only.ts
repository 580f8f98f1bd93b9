/**
 * Settings a reload cannot apply to a running process: the listeners (a bound port, the TLS
 * mode of a listening socket, the message size grpc-js was built with), the drain timeout and
 * log level fixed at start, the worker count, and the options handed to the server once at
 * start (timing budget, event options). A reload that changes one keeps the running value,
 * logs that it needs a restart, and applies everything else.
 */
import { formatListen } from "../config/listen.js";
import type { ServeConfig } from "../config/serve-config.js";

export interface RestartOnlyChange {
  /** The configuration key, as the file spells it. */
  readonly key: string;
  readonly running: string;
  readonly requested: string;
}

interface Field {
  readonly key: string;
  readonly show: (config: ServeConfig) => string;
}

const FIELDS: readonly Field[] = [
  { key: "listeners.grpc.address", show: (c) => formatListen(c.grpcListen) },
  { key: "listeners.metrics.address", show: (c) => formatListen(c.metricsListen) },
  { key: "listeners.grpc.maxReceiveMessageBytes", show: (c) => String(c.maxReceiveMessageBytes) },
  { key: "listeners.grpc.drainTimeoutSeconds", show: (c) => String(c.drainTimeoutSeconds) },
  { key: "logLevel", show: (c) => c.logLevel },
  { key: "workers", show: (c) => String(c.workers) },
  { key: "tls", show: (c) => tlsMode(c) },
  { key: "timing", show: (c) => JSON.stringify(c.timing) },
  { key: "limits.maxInflightBodyBytes", show: (c) => String(c.maxInflightBodyBytes) },
  { key: "events", show: (c) => JSON.stringify(c.events) },
];

function tlsMode(config: ServeConfig): string {
  if (config.tls === undefined) return "off (plain-text HTTP/2)";
  return config.tls.requireClientCert ? "on, client certificate required" : "on";
}

/**
 * `requested` with every restart-only setting taken from `running`, and the list of those that
 * differed.
 */
export function keepRestartOnly(
  running: ServeConfig,
  requested: ServeConfig,
): { readonly config: ServeConfig; readonly changes: readonly RestartOnlyChange[] } {
  const changes = FIELDS.flatMap((field) => {
    const [a, b] = [field.show(running), field.show(requested)];
    return a === b ? [] : [{ key: field.key, running: a, requested: b }];
  });
  // TLS files may change (certificate rotation) as long as the mode stays: keep the new paths.
  const tls = tlsMode(running) === tlsMode(requested) ? requested.tls : running.tls;
  return {
    config: {
      ...requested,
      grpcListen: running.grpcListen,
      metricsListen: running.metricsListen,
      maxReceiveMessageBytes: running.maxReceiveMessageBytes,
      drainTimeoutSeconds: running.drainTimeoutSeconds,
      logLevel: running.logLevel,
      workers: running.workers,
      tls,
      timing: running.timing,
      maxInflightBodyBytes: running.maxInflightBodyBytes,
      events: running.events,
    },
    changes,
  };
}
