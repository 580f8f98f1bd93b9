/**
 * What the protocol layer reports about each stream, so metrics and the security event log
 * can be attached without the exchange knowing prom-client or the logger.
 */
import type { Direction, Match } from "../inspect/types.js";
import type { Decision, Mode } from "../policy/decision.js";

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

/**
 * Who and where an exchange is, for the security event log: fixed once the request headers
 * arrived (before that, only the route and the attributes are known). Traffic-supplied values
 * are bounded; only `route` may become a metric label (it comes from the configuration).
 */
export interface ExchangeContext {
  /** Envoy's x-request-id, sanitised ("" when absent). */
  readonly requestId: string;
  /** The RoutePolicy's name: a configured route name or "default". */
  readonly route: string;
  readonly mode: Mode;
  /** Anomaly thresholds of the route, request and response direction. */
  readonly threshold: number;
  readonly responseThreshold: number;
  /** From x-forwarded-for with the configured trusted hops, else Envoy's `source.address`. */
  readonly clientAddress: string;
  readonly method: string;
  /** `:authority` (or `host`) as sent. */
  readonly host: string;
  /** The raw `:path` before `?`. */
  readonly path: string;
}

/** How a signature hit ended, counted once per exchange direction and signature. */
export type HitOutcome = "blocked" | "detected" | "excluded";

export interface SignatureHit {
  readonly direction: Direction;
  readonly match: Match;
  readonly outcome: HitOutcome;
}

/** What an exchange amounted to, reported once when its stream ends. */
export interface ExchangeReport {
  readonly context: ExchangeContext;
  /** Time weir spent on the exchange's messages (the latency it added), summed, in seconds. */
  readonly seconds: number;
  /** Every hit of both directions, with its outcome. */
  readonly hits: readonly SignatureHit[];
}

/** A redaction of response bytes in flight (FULL_DUPLEX_STREAMED). */
export interface RedactionRecord {
  /** The matches whose bytes were masked. */
  readonly matches: readonly Match[];
  /** How many bytes were replaced. */
  readonly maskedBytes: number;
}

export interface ExchangeObserver {
  streamOpened(): void;
  /** Exactly once per stream, however it ended. */
  streamClosed(): void;
  /** `context` when the exchange got as far as a first message. */
  streamError(reason: StreamErrorReason, context?: ExchangeContext): void;
  messageProcessed(phase: Phase, seconds: number): void;
  bytesInspected(direction: Direction, bytes: number): void;
  /** A decision that is not a plain allow (detect or block), as it is taken. */
  decided(direction: Direction, decision: Decision, context: ExchangeContext): void;
  /** weir masked matched bytes in a body it forwards. */
  redacted(direction: Direction, redaction: RedactionRecord, context: ExchangeContext): void;
  /**
   * The exchange finished: the outcome that counts once per exchange, and its report (absent
   * when the stream failed before an exchange existed).
   */
  exchangeCompleted(outcome: "allow" | "detect" | "block" | "error", report?: ExchangeReport): void;
}

/** An observer that records nothing, for tests and tools. */
export const NOOP_OBSERVER: ExchangeObserver = {
  streamOpened() {},
  streamClosed() {},
  streamError() {},
  messageProcessed() {},
  bytesInspected() {},
  decided() {},
  redacted() {},
  exchangeCompleted() {},
};
