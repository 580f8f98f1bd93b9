/**
 * What the server reports about its own limits and about tolerated protocol anomalies, beside
 * the per-exchange ExchangeObserver: the per-message time budget (counted per direction and
 * policy), requests for more time from Envoy, the body bytes held in flight, and messages Envoy
 * should not send but weir acknowledges (a body after end_of_stream). `limitsMetrics` maps them
 * onto weir's metrics; every label value comes from a bounded set, never from traffic.
 */
import type { BudgetPolicy } from "../inspect/budget.js";
import type { Direction } from "../inspect/types.js";
import type { PROTOCOL_ANOMALIES, WeirMetrics } from "../metrics/metrics.js";

/** Anomalies weir tolerates (the `kind` label of weir_protocol_anomalies_total). */
export type ProtocolAnomaly = (typeof PROTOCOL_ANOMALIES)[number];

export interface LimitsObserver {
  /** A message ran out of its time budget and was refused (closed) or passed uninspected (open). */
  budgetExceeded(direction: Direction, policy: BudgetPolicy): void;
  /** weir asked Envoy to extend the message timeout (override_message_timeout). */
  messageTimeoutExtended(direction: Direction): void;
  /** A message Envoy should not send was acknowledged instead of ending the stream. */
  protocolAnomaly(kind: ProtocolAnomaly, direction: Direction): void;
  /** Body bytes held in flight, process-wide, after a change. */
  inflightBodyBytes(bytes: number): void;
}

export const NOOP_LIMITS_OBSERVER: LimitsObserver = {
  budgetExceeded() {},
  messageTimeoutExtended() {},
  protocolAnomaly() {},
  inflightBodyBytes() {},
};

/** The LimitsObserver over weir's metrics (label children resolved on first use). */
export function limitsMetrics(metrics: WeirMetrics): LimitsObserver {
  return {
    budgetExceeded: (direction, policy) =>
      metrics.budgetExceeded.labels({ direction, policy }).inc(),
    messageTimeoutExtended: (direction) =>
      metrics.messageTimeoutExtensions.labels({ direction }).inc(),
    protocolAnomaly: (kind, direction) =>
      metrics.protocolAnomalies.labels({ kind, direction }).inc(),
    inflightBodyBytes: (bytes) => metrics.inflightBodyBytes.set(bytes),
  };
}
