/**
 * Every metric weir exports, defined in one place: names, help, label names and buckets. Each
 * weir instance owns its own prom-client Registry (never the global one), so tests and several
 * servers in one process do not share counters. Label values come from configuration (decision,
 * phase, direction, reason, signature id and family), never from traffic (DESIGN I7).
 * With --workers N the primary serves the workers' registries aggregated (src/cluster/): counts,
 * histograms and weir_active_streams sum (prom-client's default); the signature set's gauges
 * are the same in every worker and take the first worker's value (the compile time the longest).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { HitOutcome, Phase, StreamErrorReason } from "../exchange/observer.js";
import { BUDGET_POLICIES } from "../inspect/budget.js";
import { FINDING_RULES } from "../inspect/findings.js";
import type { Direction, Family } from "../inspect/types.js";
import type { BlockReason } from "../policy/decision.js";

/** Per-message processing time buckets: 10 µs to 250 ms (Envoy's default timeout is 200 ms). */
export const MESSAGE_DURATION_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
  0.25,
];

/** Time weir spent on all messages of one exchange: 25 µs to 1 s. */
export const EXCHANGE_DURATION_BUCKETS: readonly number[] = [
  0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
  0.5, 1,
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

export const HIT_OUTCOMES = keysOf({
  blocked: true,
  detected: true,
  excluded: true,
} satisfies Record<HitOutcome, true>);

/**
 * The `limit` label: the name of each `limits` finding rule (inspect/findings.ts), and `other`
 * for the generic one. Bounded by the code, not by traffic.
 */
export const LIMIT_NAMES: readonly string[] = [
  ...Object.entries(FINDING_RULES)
    .filter(([, rule]) => rule.family === "limits")
    .map(([name]) => name),
  "other",
];

/** The limit label of a `limits` finding's id. */
export function limitName(signatureId: number): string {
  for (const [name, rule] of Object.entries(FINDING_RULES)) {
    if (rule.id === signatureId && rule.family === "limits") return name;
  }
  return "other";
}

/** Protocol anomalies weir tolerates instead of ending the stream (server/limits-observer.ts). */
export const PROTOCOL_ANOMALIES = ["body_after_eos"] as const;

export const RELOAD_RESULTS = ["success", "failure"] as const;

/** Why an exchange is refused (policy/decision.ts BlockReason): the `reason` of resets. */
export const BLOCK_REASONS = keysOf({
  signature: true,
  limits: true,
  protocol: true,
} satisfies Record<BlockReason, true>);

export const SIGNATURE_STATES = ["loaded", "skipped", "failed"] as const;
export type SignatureState = (typeof SIGNATURE_STATES)[number];

export interface WeirMetrics {
  readonly registry: Registry;
  readonly exchanges: Counter<"route" | "decision">;
  readonly exchangeDuration: Histogram<"route">;
  readonly signatureMatches: Counter<"signature_id" | "family" | "outcome">;
  readonly limits: Counter<"limit">;
  readonly redactions: Counter<"route">;
  readonly redactedMatches: Counter<"signature_id" | "family">;
  readonly redactedBytes: Counter;
  readonly responseResets: Counter<"reason">;
  readonly decisions: Counter<"direction" | "decision" | "reason">;
  readonly inspectedBytes: Counter<"direction">;
  readonly messageDuration: Histogram<"phase">;
  readonly activeStreams: Gauge;
  readonly streamErrors: Counter<"reason">;
  readonly signaturesLoaded: Gauge<"state">;
  readonly engineInfo: Gauge<"signature_set_hash">;
  readonly engineCompileSeconds: Gauge;
  readonly configReloads: Counter<"result">;
  readonly configLastReloadSuccessful: Gauge;
  readonly configLastReloadSuccessTimestamp: Gauge;
  readonly budgetExceeded: Counter<"direction" | "policy">;
  readonly messageTimeoutExtensions: Counter<"direction">;
  readonly protocolAnomalies: Counter<"kind" | "direction">;
  readonly inflightBodyBytes: Gauge;
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
      help: "HTTP exchanges (ext_proc streams) completed, by route policy and final outcome.",
      labelNames: ["route", "decision"] as const,
      registers,
    }),
    exchangeDuration: new Histogram({
      name: "weir_exchange_duration_seconds",
      help: "Time weir spent on all messages of one exchange (the latency it added), by route.",
      labelNames: ["route"] as const,
      buckets: [...EXCHANGE_DURATION_BUCKETS],
      registers,
    }),
    signatureMatches: new Counter({
      name: "weir_signature_matches_total",
      help: "Signature hits, once per exchange direction, by signature id, family and outcome.",
      labelNames: ["signature_id", "family", "outcome"] as const,
      registers,
    }),
    limits: new Counter({
      name: "weir_limits_total",
      help: "Size, count or depth limits hit, once per exchange direction, by limit.",
      labelNames: ["limit"] as const,
      registers,
    }),
    redactions: new Counter({
      name: "weir_redactions_total",
      help: "Redactions of matched response bytes in flight, by route policy.",
      labelNames: ["route"] as const,
      registers,
    }),
    redactedMatches: new Counter({
      name: "weir_redacted_matches_total",
      help: "Matches replaced in response bodies in flight (FULL_DUPLEX_STREAMED), by signature id and family.",
      labelNames: ["signature_id", "family"] as const,
      registers,
    }),
    redactedBytes: new Counter({
      name: "weir_redacted_bytes_total",
      help: "Response body bytes replaced in flight by redaction.",
      registers,
    }),
    responseResets: new Counter({
      name: "weir_response_resets_total",
      help: "Response blocks decided after the response headers went downstream: Envoy resets the client stream instead of replying.",
      labelNames: ["reason"] as const,
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
      aggregator: "first",
    }),
    engineInfo: new Gauge({
      name: "weir_engine_info",
      help: "Always 1; the label identifies the active signature set (sha256 of its files).",
      labelNames: ["signature_set_hash"] as const,
      registers,
      aggregator: "first",
    }),
    engineCompileSeconds: new Gauge({
      name: "weir_engine_compile_seconds",
      help: "Time taken to compile the active signature set.",
      registers,
      aggregator: "max",
    }),
    configReloads: new Counter({
      name: "weir_config_reloads_total",
      help: "Reloads of the configuration and signatures (SIGHUP or a file change), by result.",
      labelNames: ["result"] as const,
      registers,
    }),
    configLastReloadSuccessful: new Gauge({
      name: "weir_config_last_reload_successful",
      help: "1 if the last reload (or the start) succeeded, 0 if it failed and the previous configuration still serves.",
      registers,
      aggregator: "min",
    }),
    configLastReloadSuccessTimestamp: new Gauge({
      name: "weir_config_last_reload_success_timestamp_seconds",
      help: "Unix time of the last successful reload, or of the start.",
      registers,
      aggregator: "min",
    }),
    budgetExceeded: new Counter({
      name: "weir_inspection_budget_exceeded_total",
      help: "Messages that ran out of their time budget, by direction and policy (closed refused, open passed the rest uninspected).",
      labelNames: ["direction", "policy"] as const,
      registers,
    }),
    messageTimeoutExtensions: new Counter({
      name: "weir_message_timeout_extensions_total",
      help: "Times weir asked Envoy for more time on a message (override_message_timeout).",
      labelNames: ["direction"] as const,
      registers,
    }),
    protocolAnomalies: new Counter({
      name: "weir_protocol_anomalies_total",
      help: "Messages Envoy should not send that weir acknowledged instead of ending the stream.",
      labelNames: ["kind", "direction"] as const,
      registers,
    }),
    inflightBodyBytes: new Gauge({
      name: "weir_inflight_body_bytes",
      help: "Body bytes received and not yet answered (held while inspected asynchronously or queued).",
      registers,
    }),
  };
  // Bounded label sets start at zero so rates and alerts work before the first event.
  zeroRoute(metrics, DEFAULT_ROUTE_LABEL);
  for (const limit of LIMIT_NAMES) metrics.limits.labels({ limit }).inc(0);
  for (const state of SIGNATURE_STATES) metrics.signaturesLoaded.labels({ state }).set(0);
  for (const result of RELOAD_RESULTS) metrics.configReloads.labels({ result }).inc(0);
  for (const phase of PHASES) metrics.messageDuration.zero({ phase });
  for (const direction of DIRECTIONS) metrics.inspectedBytes.labels({ direction }).inc(0);
  for (const reason of STREAM_ERROR_REASONS) metrics.streamErrors.labels({ reason }).inc(0);
  for (const reason of BLOCK_REASONS) metrics.responseResets.labels({ reason }).inc(0);
  metrics.redactedBytes.inc(0);
  for (const direction of DIRECTIONS) {
    for (const policy of BUDGET_POLICIES)
      metrics.budgetExceeded.labels({ direction, policy }).inc(0);
    metrics.messageTimeoutExtensions.labels({ direction }).inc(0);
    for (const kind of PROTOCOL_ANOMALIES)
      metrics.protocolAnomalies.labels({ kind, direction }).inc(0);
  }
  return metrics;
}

/** The fallback route policy's name (route-policy.ts DEFAULT_ROUTE_NAME). */
export const DEFAULT_ROUTE_LABEL = "default";

/** Starts a route's label sets at zero, so rates work from its first exchange on. */
export function zeroRoute(metrics: WeirMetrics, route: string): void {
  for (const decision of EXCHANGE_OUTCOMES) metrics.exchanges.labels({ route, decision }).inc(0);
  metrics.exchangeDuration.zero({ route });
  metrics.redactions.labels({ route }).inc(0);
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

/** Label values for a signature hit: the decimal id, as written in the signature files. */
export function signatureLabels(
  signatureId: number,
  family: Family,
  outcome: HitOutcome,
): { signature_id: string; family: Family; outcome: HitOutcome } {
  return { signature_id: String(signatureId), family, outcome };
}
