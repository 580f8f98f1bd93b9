/**
 * What the protocol layer reports about each stream, so metrics and the security event log
 * can be attached without the exchange knowing prom-client or the logger.
 */
import type { Direction } from "../inspect/types.js";
import type { Decision } from "../policy/decision.js";

/** ext_proc message kinds, used as the `phase` label (bounded set). */
export type Phase =
  | "request_headers"
  | "request_body"
  | "request_trailers"
  | "response_headers"
  | "response_body"
  | "response_trailers";

/** Why a stream ended abnormally (bounded set; the `reason` label of stream errors). */
export type StreamErrorReason =
  | "malformed_message"
  | "unexpected_message"
  | "message_after_end_of_stream"
  | "internal_error"
  | "client_cancelled"
  | "deadline_exceeded"
  | "resource_exhausted";

export interface ExchangeObserver {
  streamOpened(): void;
  /** Exactly once per stream, however it ended. */
  streamClosed(): void;
  streamError(reason: StreamErrorReason): void;
  messageProcessed(phase: Phase, seconds: number): void;
  bytesInspected(direction: Direction, bytes: number): void;
  /**
   * A decision that is not a plain allow, or the final outcome of an exchange.
   * `requestId` is Envoy's x-request-id when present (for the event log only).
   */
  decided(direction: Direction, decision: Decision, requestId: string): void;
  /** The exchange finished: the outcome that counts once per exchange. */
  exchangeCompleted(outcome: "allow" | "detect" | "block" | "error"): void;
}

/** An observer that records nothing, for tests and tools. */
export const NOOP_OBSERVER: ExchangeObserver = {
  streamOpened() {},
  streamClosed() {},
  streamError() {},
  messageProcessed() {},
  bytesInspected() {},
  decided() {},
  exchangeCompleted() {},
};
