/**
 * The security event log: one JSON line per decision worth recording, for a SIEM or Envoy's
 * access-log pipeline to join on request_id:
 * - `decision: "block"`: weir refused the exchange (`reason` signature, limits or protocol);
 * - `decision: "detect"`: findings below the threshold, or any finding in detect mode;
 * - `decision: "redact"`: weir masked matched bytes in a response it forwarded;
 * - `decision: "error"`: Envoy's ext_proc stream broke the protocol (`reason` malformed_message,
 *   unexpected_message, message_after_end_of_stream): the exchange may have gone on
 *   uninspected, depending on Envoy's failure mode.
 * A limit is a block or detect with `reason: "limits"`, an HTTP protocol violation one with
 * `reason: "protocol"`.
 *
 * Each event names who (request id, client address, method, host, path without query), which
 * route and policy (route, mode, threshold), and what fired where (signature ids, families,
 * each match's target, field and offset). Payload bytes appear only as `excerpt`, only when the
 * operator enabled excerpts, and masked (excerpt.ts; DESIGN I8). The log is not subject to the
 * log level: an operator who quiets the logger still gets every event.
 */
import type { ExchangeContext, RedactionRecord, StreamErrorReason } from "../exchange/observer.js";
import type { Direction, Family, Match, Target } from "../inspect/types.js";
import type { Decision } from "../policy/decision.js";
import { maskExcerpt } from "./excerpt.js";
import { type LineSink, stdoutSink } from "./logger.js";

/** Longest field name or request id copied into an event; longer ones are cut and marked. */
export const MAX_NAME_CHARS = 64;
export const MAX_REQUEST_ID_CHARS = 128;
/** Most matches listed per event. */
export const MAX_MATCHES = 32;

/** Stream errors that are a protocol violation by Envoy's side (an event each). */
const PROTOCOL_VIOLATIONS: ReadonlySet<StreamErrorReason> = new Set([
  "malformed_message",
  "unexpected_message",
  "message_after_end_of_stream",
]);

export interface EventMatch {
  readonly signature_id: number;
  readonly family: Family;
  readonly target: Target;
  /** Field or header name ("" for the path or a raw body). */
  readonly field: string;
  /** End offset of the match in the value, after the signature's transforms. */
  readonly offset: number;
  /** Masked bytes around the match; only with excerpts enabled and the value in hand. */
  readonly excerpt?: string;
}

export interface SecurityEvent {
  readonly time: string;
  readonly level: "warn" | "info";
  readonly msg: string;
  readonly event: "security";
  readonly decision: "block" | "detect" | "redact" | "error";
  /** block/detect: signature | limits | protocol; error: the stream error reason. */
  readonly reason: string;
  /** The HTTP status sent, for a block. */
  readonly status?: number;
  readonly request_id: string;
  readonly route: string;
  readonly mode: string;
  readonly client_address: string;
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly direction?: Direction;
  readonly score?: number;
  readonly threshold?: number;
  readonly signature_ids: readonly number[];
  readonly families: readonly Family[];
  readonly matches: readonly EventMatch[];
  readonly matches_omitted?: number;
  /**
   * block: the refusal came after the response headers went downstream, so Envoy reset the
   * client's stream instead of sending `status`.
   */
  readonly stream_reset?: true;
  /** redact: how many bytes were masked. */
  readonly masked_bytes?: number;
}

export interface SecurityEventLog {
  /** One line for a block or detect decision; an allow writes nothing. */
  decided(direction: Direction, decision: Decision, context: ExchangeContext): void;
  redacted(direction: Direction, redaction: RedactionRecord, context: ExchangeContext): void;
  /** One line when the stream ended on an ext_proc protocol violation; others write nothing. */
  streamFailed(reason: StreamErrorReason, context: ExchangeContext | undefined): void;
}

export function createSecurityEventLog(
  sink: LineSink = stdoutSink,
  now: () => Date = () => new Date(),
): SecurityEventLog {
  const write = (event: SecurityEvent | null) => {
    if (event !== null) sink(JSON.stringify(event));
  };
  return {
    decided: (direction, decision, context) =>
      write(decisionEvent(direction, decision, context, now())),
    redacted: (direction, redaction, context) =>
      write(redactionEvent(direction, redaction, context, now())),
    streamFailed: (reason, context) => write(streamErrorEvent(reason, context, now())),
  };
}

/** The event for a decision, or null for an allow. Pure, so tests read it directly. */
export function decisionEvent(
  direction: Direction,
  decision: Decision,
  context: ExchangeContext,
  time: Date,
): SecurityEvent | null {
  if (decision.kind === "allow") return null;
  const blocked = decision.kind === "block";
  return {
    ...header(time, blocked ? "warn" : "info", decisionMessage(decision)),
    decision: decision.kind,
    ...(blocked && decision.streamReset === true ? { stream_reset: true } : {}),
    reason: blocked ? decision.reason : findingReason(decision.matches),
    ...(blocked ? { status: decision.status } : {}),
    ...who(context),
    direction,
    score: decision.score,
    threshold: direction === "request" ? context.threshold : context.responseThreshold,
    ...what(decision.matches),
  };
}

function decisionMessage(decision: Exclude<Decision, { kind: "allow" }>): string {
  if (decision.kind === "detect") return "signatures matched";
  return decision.streamReset === true ? "response stream reset" : "exchange blocked";
}

export function redactionEvent(
  direction: Direction,
  redaction: RedactionRecord,
  context: ExchangeContext,
  time: Date,
): SecurityEvent {
  return {
    ...header(time, "info", "response redacted"),
    decision: "redact",
    reason: findingReason(redaction.matches),
    ...who(context),
    direction,
    ...what(redaction.matches),
    masked_bytes: redaction.maskedBytes,
  };
}

export function streamErrorEvent(
  reason: StreamErrorReason,
  context: ExchangeContext | undefined,
  time: Date,
): SecurityEvent | null {
  if (!PROTOCOL_VIOLATIONS.has(reason)) return null;
  return {
    ...header(time, "warn", "ext_proc protocol violation"),
    decision: "error",
    reason,
    ...who(context),
    ...what([]),
  };
}

/** The kind of finding behind a detect: limits and protocol findings outrank signatures. */
export function findingReason(matches: readonly Match[]): "signature" | "limits" | "protocol" {
  if (matches.some((m) => m.family === "limits")) return "limits";
  if (matches.some((m) => m.family === "protocol")) return "protocol";
  return "signature";
}

function header(time: Date, level: SecurityEvent["level"], msg: string) {
  return { time: time.toISOString(), level, msg, event: "security" as const };
}

function who(context: ExchangeContext | undefined) {
  return {
    request_id: cut(context?.requestId ?? "", MAX_REQUEST_ID_CHARS),
    route: context?.route ?? "",
    mode: context?.mode ?? "",
    client_address: context?.clientAddress ?? "",
    method: context?.method ?? "",
    host: context?.host ?? "",
    path: context?.path ?? "",
  };
}

function what(matches: readonly Match[]) {
  const listed = matches.slice(0, MAX_MATCHES).map(eventMatch);
  const omitted = matches.length - listed.length;
  return {
    signature_ids: [...new Set(matches.map((m) => m.signatureId))].sort((a, b) => a - b),
    families: [...new Set(matches.map((m) => m.family))].sort(),
    matches: listed,
    ...(omitted > 0 ? { matches_omitted: omitted } : {}),
  };
}

function eventMatch(m: Match): EventMatch {
  return {
    signature_id: m.signatureId,
    family: m.family,
    target: m.target,
    field: cut(m.field, MAX_NAME_CHARS),
    offset: m.offset,
    ...(m.excerpt === undefined ? {} : { excerpt: maskExcerpt(m.excerpt, m.target, m.field) }),
  };
}

/** Cuts a traffic-supplied name to `max` characters, marking the cut with "…". */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
