/**
 * The worker's side of a cluster. A worker runs `weir serve` as a single process would, with
 * two things swapped in by serve.ts:
 *
 * - instead of listening on --metrics-listen (the primary does), `startWorkerLink` answers the
 *   primary's metrics requests from the worker's own registry over IPC and tells it whenever
 *   its readiness changes. Its `port` is the primary's metrics port, so the worker's "weir
 *   serving" line names the listener that actually serves.
 * - signals come from the primary only (`workerSignals`). A terminal's Ctrl-C reaches every
 *   process of the group and systemd signals the whole control group; if workers acted on
 *   those as well as on the primary's copy, the second copy would cut a graceful drain short.
 *   So OS signals sent to a worker directly are ignored; a worker whose primary dies exits
 *   (Node's cluster module does that when the IPC channel closes).
 */
import { EventEmitter } from "node:events";
import type { MetricsServer, MetricsServerOptions } from "../metrics/metrics-server.js";
import { FORWARDED_SIGNALS, isPrimaryMessage, type WorkerMessage } from "./messages.js";

/** Environment variable through which the primary tells its workers its metrics port. */
export const PRIMARY_METRICS_PORT_ENV = "WEIR_PRIMARY_METRICS_PORT";
/** How often the worker looks at its own readiness (a function call; changes are sent). */
const READINESS_POLL_MS = 100;

function send(message: WorkerMessage): void {
  if (process.send === undefined || !process.connected) return;
  // The callback takes send errors (channel closing during exit) instead of an 'error' event.
  process.send(message, undefined, undefined, () => {});
}

/** Stands in for the metrics listener in a worker: serves the primary over IPC. */
export async function startWorkerLink(options: MetricsServerOptions): Promise<MetricsServer> {
  const onMessage = (message: unknown): void => {
    if (!isPrimaryMessage(message) || message.type !== "weir:metrics-request") return;
    const { id } = message;
    options.registry.getMetricsAsJSON().then(
      (metrics) => send({ type: "weir:metrics", id, metrics }),
      (error: unknown) =>
        send({
          type: "weir:metrics-error",
          id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  };
  process.on("message", onMessage);
  let last: boolean | undefined;
  const poll = (): void => {
    const ready = options.isReady();
    if (ready === last) return;
    last = ready;
    send({ type: "weir:readiness", ready });
  };
  const timer = setInterval(poll, READINESS_POLL_MS);
  timer.unref();
  send({ type: "weir:linked" });
  poll();
  const port = Number(process.env[PRIMARY_METRICS_PORT_ENV] ?? "0");
  return {
    port: Number.isInteger(port) ? port : 0,
    close: async () => {
      clearInterval(timer);
      poll();
      process.off("message", onMessage);
    },
  };
}

/** What serve listens to for SIGTERM/SIGINT (and SIGHUP, for a reload) in a worker. */
export interface WorkerSignals extends EventEmitter {}

/**
 * The signal source of a worker: the primary's forwarded signals, re-emitted; direct OS
 * signals are caught and dropped (without a handler they would kill the worker).
 */
export function workerSignals(): WorkerSignals {
  const signals = new EventEmitter();
  for (const signal of FORWARDED_SIGNALS) process.on(signal, () => {});
  process.on("message", (message: unknown) => {
    if (isPrimaryMessage(message) && message.type === "weir:signal") signals.emit(message.signal);
  });
  return signals;
}
