/**
 * The security event log: shapes as data (test/fixtures/events/security-events.json), then the
 * bounds and the line format.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type {
  ExchangeContext,
  RedactionRecord,
  StreamErrorReason,
} from "../../src/exchange/observer.js";
import type { Direction, Match } from "../../src/inspect/types.js";
import {
  createSecurityEventLog,
  decisionEvent,
  MAX_MATCHES,
  MAX_NAME_CHARS,
  redactionEvent,
  type SecurityEvent,
  streamErrorEvent,
} from "../../src/log/security-events.js";
import type { Decision } from "../../src/policy/decision.js";
import { testContext } from "../exchange/context.js";

const at = new Date("2026-01-02T03:04:05.000Z");

type MatchSpec = Omit<Match, "severity" | "score" | "excerpt"> & { excerptText?: string };
type DecisionSpec =
  | { kind: "allow" }
  | { kind: "detect"; score: number; matches: MatchSpec[] }
  | {
      kind: "block";
      status: number;
      reason: "signature" | "limits" | "protocol";
      score: number;
      matches: MatchSpec[];
    };
type ReportSpec =
  | { kind: "decided"; direction: Direction; decision: DecisionSpec }
  | {
      kind: "redacted";
      direction: Direction;
      redaction: { maskedBytes: number; matches: MatchSpec[] };
    }
  | { kind: "streamFailed"; reason: StreamErrorReason };

interface EventCase {
  readonly name: string;
  readonly context?: Partial<ExchangeContext>;
  readonly report: ReportSpec;
  readonly expected: SecurityEvent | null;
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/events/security-events.json", import.meta.url), "utf8"),
) as { context: ExchangeContext; cases: EventCase[] };

function matchOf(spec: MatchSpec): Match {
  const { excerptText, ...rest } = spec;
  return {
    ...rest,
    severity: "critical",
    score: 5,
    ...(excerptText === undefined ? {} : { excerpt: new TextEncoder().encode(excerptText) }),
  };
}

function decisionOf(spec: DecisionSpec): Decision {
  if (spec.kind === "allow") return spec;
  return { ...spec, matches: spec.matches.map(matchOf) };
}

function eventOf(report: ReportSpec, context: ExchangeContext): SecurityEvent | null {
  switch (report.kind) {
    case "decided":
      return decisionEvent(report.direction, decisionOf(report.decision), context, at);
    case "redacted": {
      const redaction: RedactionRecord = {
        maskedBytes: report.redaction.maskedBytes,
        matches: report.redaction.matches.map(matchOf),
      };
      return redactionEvent(report.direction, redaction, context, at);
    }
    case "streamFailed":
      return streamErrorEvent(report.reason, context, at);
  }
}

describe("security event shapes", () => {
  it.each(fixture.cases)("$name", (c) => {
    const context = { ...fixture.context, ...c.context };
    expect(eventOf(c.report, context)).toEqual(c.expected);
  });
});

const match = (id: number, field: string, target: Match["target"] = "args"): Match => ({
  signatureId: id,
  family: "xss",
  severity: "critical",
  score: 5,
  target,
  field,
  offset: 12,
});

describe("security event log", () => {
  it("bounds traffic-supplied names, the request id and the number of matches", () => {
    const matches = Array.from({ length: MAX_MATCHES + 5 }, (_, i) => match(i, `f${i}`));
    matches.push(match(1000, "x".repeat(500), "args_names"));
    const decision: Decision = { kind: "detect", score: 5, matches };
    const event = decisionEvent(
      "request",
      decision,
      testContext({ requestId: "r".repeat(1000) }),
      at,
    );
    expect(event?.matches).toHaveLength(MAX_MATCHES);
    expect(event?.matches_omitted).toBe(6);
    expect(event?.signature_ids).toHaveLength(MAX_MATCHES + 6);
    expect(event?.request_id.length).toBeLessThanOrEqual(128);
    expect(JSON.stringify(event)).not.toContain("x".repeat(MAX_NAME_CHARS + 1));
  });

  it("shows no payload bytes unless a match carries an excerpt", () => {
    const decision: Decision = { kind: "detect", score: 5, matches: [match(7, "q")] };
    const event = decisionEvent("request", decision, testContext(), at);
    expect(JSON.stringify(event)).not.toContain("excerpt");
  });

  it("writes one JSON line per event, and nothing for an allow or a cancel", () => {
    const lines: string[] = [];
    const log = createSecurityEventLog(
      (l) => lines.push(l),
      () => at,
    );
    const detect: Decision = { kind: "detect", score: 5, matches: [match(7, "q\nx")] };
    log.decided("request", detect, testContext({ requestId: "r1" }));
    log.decided("request", { kind: "allow" }, testContext());
    log.streamFailed("client_cancelled", testContext());
    log.streamFailed("malformed_message", undefined);
    log.redacted("response", { matches: [match(9, "")], maskedBytes: 4 }, testContext());
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain("\n");
    expect(lines.map((l) => (JSON.parse(l) as SecurityEvent).decision)).toEqual([
      "detect",
      "error",
      "redact",
    ]);
    expect(JSON.parse(lines[1] ?? "{}")).toMatchObject({ request_id: "", route: "" });
  });
});
