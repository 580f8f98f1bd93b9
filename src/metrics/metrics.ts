/**
 * Every metric weir exports, defined in one place: names, help, label names and buckets. Each
 * weir instance owns its own prom-client Registry (never the global one), so tests and several
 * servers in one process do not share counters. Label values come from configuration (decision,
 * phase, direction, reason, signature id and family), never from traffic (DESIGN I7).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Phase, StreamErrorReason } from "../exchange/observer.js";
import type { Direction, Family } from "../inspect/types.js";

/** Per-message processing time buckets: 10 µs to 250 ms (Envoy's default timeout is 200 ms). */
export const MESSAGE_DURATION_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
  0.25,
];

export const EXCHANGE_OUTCOMES = ["allow", "detect", "block", "error"] as const;
export type ExchangeOutcome = (typeof EXCHANGE_OUTCOMES)[number];

/** Every value of a union, checked complete at compile time by `satisfies Record<U, true>`. */
function keysOf<U extends string>(set: Record<U, true>): readonly U[] {
  return Object.keys(set) as U[];
}

export const PHASES = keysOf({
  request_headers: true,
  request_body: true,
  request_trailers: true,
  response_headers: true,
  response_body: true,
  response_trailers: true,
} satisfies Record<Phase, true>);

export const DIRECTIONS = keysOf({ request: true, response: true } satisfies Record<
  Direction,
  true
>);

export const STREAM_ERROR_REASONS = keysOf({
  malformed_message: true,
  unexpected_message: true,
  message_after_end_of_stream: true,
  internal_error: true,
  client_cancelled: true,
  deadline_exceeded: true,
  resource_exhausted: true,
} satisfies Record<StreamErrorReason, true>);

export const SIGNATURE_STATES = ["loaded", "skipped", "failed"] as const;
export type SignatureState = (typeof SIGNATURE_STATES)[number];

export interface WeirMetrics {
  readonly registry: Registry;
  readonly exchanges: Counter<"decision">;
  readonly signatureMatches: Counter<"signature_id" | "family">;
  readonly decisions: Counter<"direction" | "decision" | "reason">;
  readonly inspectedBytes: Counter<"direction">;
  readonly messageDuration: Histogram<"phase">;
  readonly activeStreams: Gauge;
  readonly streamErrors: Counter<"reason">;
  readonly signaturesLoaded: Gauge<"state">;
  readonly engineInfo: Gauge<"signature_set_hash">;
  readonly engineCompileSeconds: Gauge;
}

export interface MetricsOptions {
  /** Add prom-client's process_* and nodejs_* metrics (on by default; tests turn it off). */
  readonly defaultMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): WeirMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const metrics: WeirMetrics = {
    registry,
    exchanges: new Counter({
      name: "weir_exchanges_total",
      help: "HTTP exchanges (ext_proc streams) completed, by final outcome.",
      labelNames: ["decision"] as const,
      registers,
    }),
    signatureMatches: new Counter({
      name: "weir_signature_matches_total",
      help: "Signature hits, each counted once per exchange direction, by signature id and family.",
      labelNames: ["signature_id", "family"] as const,
      registers,
    }),
    decisions: new Counter({
      name: "weir_decisions_total",
      help: "Decisions taken per direction (a direction may decide detect, then block).",
      labelNames: ["direction", "decision", "reason"] as const,
      registers,
    }),
    inspectedBytes: new Counter({
      name: "weir_inspected_bytes_total",
      help: "Body bytes inspected, by direction.",
      labelNames: ["direction"] as const,
      registers,
    }),
    messageDuration: new Histogram({
      name: "weir_message_duration_seconds",
      help: "Time weir spent on one ext_proc message, from receipt to response, by phase.",
      labelNames: ["phase"] as const,
      buckets: [...MESSAGE_DURATION_BUCKETS],
      registers,
    }),
    activeStreams: new Gauge({
      name: "weir_active_streams",
      help: "ext_proc streams currently open.",
      registers,
    }),
    streamErrors: new Counter({
      name: "weir_stream_errors_total",
      help: "ext_proc streams that ended abnormally, by reason.",
      labelNames: ["reason"] as const,
      registers,
    }),
    signaturesLoaded: new Gauge({
      name: "weir_signatures_loaded",
      help: "Signatures in the active set by load state (loaded, skipped with a reason, failed).",
      labelNames: ["state"] as const,
      registers,
    }),
    engineInfo: new Gauge({
      name: "weir_engine_info",
      help: "Always 1; the label identifies the active signature set (sha256 of its files).",
      labelNames: ["signature_set_hash"] as const,
      registers,
    }),
    engineCompileSeconds: new Gauge({
      name: "weir_engine_compile_seconds",
      help: "Time taken to compile the active signature set.",
      registers,
    }),
  };
  // Bounded label sets start at zero so rates and alerts work before the first event.
  for (const decision of EXCHANGE_OUTCOMES) metrics.exchanges.labels({ decision }).inc(0);
  for (const state of SIGNATURE_STATES) metrics.signaturesLoaded.labels({ state }).set(0);
  for (const phase of PHASES) metrics.messageDuration.zero({ phase });
  for (const direction of DIRECTIONS) metrics.inspectedBytes.labels({ direction }).inc(0);
  for (const reason of STREAM_ERROR_REASONS) metrics.streamErrors.labels({ reason }).inc(0);
  return metrics;
}

export interface SignatureCounts {
  readonly loaded: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface EngineSummary {
  readonly hash: string;
  readonly compileSeconds: number;
}

/** Publishes a load report and the engine built from it (at start and at each reload). */
export function recordSignatureSet(
  metrics: WeirMetrics,
  counts: SignatureCounts,
  engine: EngineSummary,
): void {
  for (const state of SIGNATURE_STATES) {
    metrics.signaturesLoaded.labels({ state }).set(counts[state]);
  }
  metrics.engineInfo.reset();
  metrics.engineInfo.labels({ signature_set_hash: engine.hash }).set(1);
  metrics.engineCompileSeconds.set(engine.compileSeconds);
}

/** Label value for a signature id: the decimal id, as written in the signature files. */
export function signatureLabels(
  signatureId: number,
  family: Family,
): { signature_id: string; family: Family } {
  return { signature_id: String(signatureId), family };
}
