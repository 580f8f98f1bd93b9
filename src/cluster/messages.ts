/**
 * The IPC messages between the primary and its workers (over Node's cluster channel). The
 * primary asks for metrics and forwards signals; a worker says when it can answer metrics
 * requests (`linked`) and when its readiness changes. Every message carries a `weir:` type, so
 * other users of the channel (cluster's own, prom-client's) are ignored by both sides.
 */
import type { MetricObjectWithValues, MetricValue } from "prom-client";

/** Signals the primary passes on; workers take them only from the primary (see worker-link.ts). */
export const FORWARDED_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;
export type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

export type PrimaryMessage =
  | { readonly type: "weir:metrics-request"; readonly id: number }
  | { readonly type: "weir:signal"; readonly signal: ForwardedSignal };

export type WorkerMessage =
  | { readonly type: "weir:linked" }
  | { readonly type: "weir:readiness"; readonly ready: boolean }
  | { readonly type: "weir:metrics"; readonly id: number; readonly metrics: WorkerMetrics }
  | { readonly type: "weir:metrics-error"; readonly id: number; readonly error: string };

function typed(message: unknown): { type: unknown } | undefined {
  return typeof message === "object" && message !== null && "type" in message
    ? (message as { type: unknown })
    : undefined;
}

export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  const m = typed(message);
  if (m?.type === "weir:metrics-request") return typeof (m as { id?: unknown }).id === "number";
  if (m?.type === "weir:signal") {
    const signal = (m as { signal?: unknown }).signal;
    return (FORWARDED_SIGNALS as readonly unknown[]).includes(signal);
  }
  return false;
}

const WORKER_TYPES: ReadonlySet<unknown> = new Set<WorkerMessage["type"]>([
  "weir:linked",
  "weir:readiness",
  "weir:metrics",
  "weir:metrics-error",
]);

/** A message from a worker (its fields are trusted: the worker is this program). */
export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return WORKER_TYPES.has(typed(message)?.type);
}
