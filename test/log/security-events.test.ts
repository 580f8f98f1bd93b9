import { describe, expect, it } from "vitest";
import type { Match } from "../../src/inspect/types.js";
import {
  createSecurityEventLog,
  MAX_NAME_CHARS,
  MAX_TARGETS,
  toSecurityEvent,
} from "../../src/log/security-events.js";
import type { Decision } from "../../src/policy/decision.js";

const at = new Date("2026-01-02T03:04:05.000Z");
const match = (
  id: number,
  family: Match["family"],
  target: Match["target"],
  field: string,
): Match => ({
  signatureId: id,
  family,
  severity: "critical",
  score: 5,
  target,
  field,
  offset: 12,
});

describe("security events", () => {
  it("describes a block: request id, direction, reason, status, score, ids, families, targets", () => {
    const decision: Decision = {
      kind: "block",
      status: 403,
      reason: "signature",
      score: 10,
      matches: [
        match(942100, "sqli", "args", "id"),
        match(932100, "rce", "request_headers", "user-agent"),
        match(942100, "sqli", "args", "id"),
      ],
    };
    expect(toSecurityEvent("request", decision, "req-1", at)).toEqual({
      time: "2026-01-02T03:04:05.000Z",
      level: "warn",
      msg: "exchange blocked",
      event: "security",
      request_id: "req-1",
      direction: "request",
      decision: "block",
      reason: "signature",
      status: 403,
      score: 10,
      signature_ids: [932100, 942100],
      families: ["rce", "sqli"],
      targets: [
        { target: "args", field: "id" },
        { target: "request_headers", field: "user-agent" },
      ],
    });
  });

  it("describes a detect at info level with the kind of finding as its reason", () => {
    const decision: Decision = {
      kind: "detect",
      score: 0,
      matches: [match(900100, "protocol", "request_body", "")],
    };
    expect(toSecurityEvent("response", decision, "", at)).toMatchObject({
      level: "info",
      msg: "signatures matched",
      decision: "detect",
      reason: "protocol",
      direction: "response",
    });
  });

  it("writes nothing for an allow", () => {
    const lines: string[] = [];
    createSecurityEventLog((l) => lines.push(l)).record("request", { kind: "allow" }, "r");
    expect(lines).toEqual([]);
    expect(toSecurityEvent("request", { kind: "allow" }, "r", at)).toBeNull();
  });

  it("bounds traffic-supplied names and the number of targets", () => {
    const longName = "x".repeat(500);
    const matches = Array.from({ length: MAX_TARGETS + 5 }, (_, i) =>
      match(1, "xss", "args", `f${i}`),
    );
    matches.push(match(2, "xss", "args_names", longName));
    const decision: Decision = { kind: "detect", score: 5, matches };
    const event = toSecurityEvent("request", decision, "r".repeat(1000), at);
    expect(event?.targets).toHaveLength(MAX_TARGETS);
    expect(event?.targets_omitted).toBe(6);
    expect(event?.request_id.length).toBeLessThanOrEqual(128);
    const json = JSON.stringify(event);
    expect(json).not.toContain("x".repeat(MAX_NAME_CHARS + 1));
  });

  it("writes one JSON line per event, carrying no match offsets or values", () => {
    const lines: string[] = [];
    const log = createSecurityEventLog(
      (l) => lines.push(l),
      () => at,
    );
    const decision: Decision = {
      kind: "detect",
      score: 5,
      matches: [match(7, "sqli", "args", "q")],
    };
    log.record("request", decision, "r1");
    log.record("request", decision, "r2");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain("\n");
    expect(Object.keys(JSON.parse(lines[0] ?? "{}"))).not.toContain("offset");
  });
});
