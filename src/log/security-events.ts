/**
 * The security event log: one JSON line per block or detect decision, for a SIEM or Envoy's
 * access-log pipeline to join on request_id. It names what fired and where (signature ids,
 * families, targets and field names) and never carries payload bytes (DESIGN I8). It is not
 * subject to the log level: an operator who quiets the logger still gets every event.
 */
import type { Direction, Family, Match, Target } from "../inspect/types.js";
import type { Decision } from "../policy/decision.js";
import { type LineSink, stdoutSink } from "./logger.js";

/** Longest field name or request id copied into an event; longer ones are cut and marked. */
export const MAX_NAME_CHARS = 64;
export const MAX_REQUEST_ID_CHARS = 128;
/** Most distinct (target, field) pairs listed per event. */
export const MAX_TARGETS = 32;

export interface SecurityEvent {
  readonly time: string;
  readonly level: "warn" | "info";
  readonly msg: "exchange blocked" | "signatures matched";
  readonly event: "security";
  readonly request_id: string;
  readonly direction: Direction;
  readonly decision: "block" | "detect";
  /** block: signature | limits | protocol; detect: always "signature" or the finding kind. */
  readonly reason: string;
  readonly status?: number;
  readonly score: number;
  readonly signature_ids: readonly number[];
  readonly families: readonly Family[];
  readonly targets: readonly { readonly target: Target; readonly field: string }[];
  readonly targets_omitted?: number;
}

export interface SecurityEventLog {
  /** Writes one line for a block or detect decision; an allow writes nothing. */
  record(direction: Direction, decision: Decision, requestId: string): void;
}

export function createSecurityEventLog(
  sink: LineSink = stdoutSink,
  now: () => Date = () => new Date(),
): SecurityEventLog {
  return {
    record(direction, decision, requestId) {
      const event = toSecurityEvent(direction, decision, requestId, now());
      if (event !== null) sink(JSON.stringify(event));
    },
  };
}

/** The event for a decision, or null for an allow. Pure, so tests read it directly. */
export function toSecurityEvent(
  direction: Direction,
  decision: Decision,
  requestId: string,
  time: Date,
): SecurityEvent | null {
  if (decision.kind === "allow") return null;
  const { targets, omitted } = targetsOf(decision.matches);
  const blocked = decision.kind === "block";
  return {
    time: time.toISOString(),
    level: blocked ? "warn" : "info",
    msg: blocked ? "exchange blocked" : "signatures matched",
    event: "security",
    request_id: cut(requestId, MAX_REQUEST_ID_CHARS),
    direction,
    decision: decision.kind,
    reason: blocked ? decision.reason : findingReason(decision.matches),
    ...(blocked ? { status: decision.status } : {}),
    score: decision.score,
    signature_ids: [...new Set(decision.matches.map((m) => m.signatureId))].sort((a, b) => a - b),
    families: [...new Set(decision.matches.map((m) => m.family))].sort(),
    targets,
    ...(omitted > 0 ? { targets_omitted: omitted } : {}),
  };
}

/** The kind of finding behind a detect: limits and protocol findings outrank signatures. */
export function findingReason(matches: readonly Match[]): "signature" | "limits" | "protocol" {
  if (matches.some((m) => m.family === "limits")) return "limits";
  if (matches.some((m) => m.family === "protocol")) return "protocol";
  return "signature";
}

function targetsOf(matches: readonly Match[]): {
  targets: { target: Target; field: string }[];
  omitted: number;
} {
  const seen = new Set<string>();
  const targets: { target: Target; field: string }[] = [];
  let omitted = 0;
  for (const m of matches) {
    const field = cut(m.field, MAX_NAME_CHARS);
    const key = `${m.target}\u0000${field}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (targets.length < MAX_TARGETS) targets.push({ target: m.target, field });
    else omitted++;
  }
  return { targets, omitted };
}

/** Cuts a traffic-supplied name to `max` characters, marking the cut with "…". */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
