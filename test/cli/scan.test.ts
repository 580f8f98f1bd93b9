import { describe, expect, it } from "vitest";
import type { RequestFile } from "../../src/cli/http-request-file.js";
import { SCAN_EXIT, scanJson, scanRequest, scanText } from "../../src/cli/scan.js";
import type {
  DirectionInspector,
  ExchangeInspector,
  InspectionEngine,
  Match,
} from "../../src/inspect/types.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";

/** An engine double that answers each message with scripted matches and records calls. */
function scriptedEngine(onHeaders: Match[], onBody: Match[]) {
  const calls: string[] = [];
  const request: DirectionInspector = {
    headers: (_h, endOfStream) => {
      calls.push(`headers eos=${endOfStream}`);
      return onHeaders;
    },
    body: (chunk, endOfStream) => {
      calls.push(`body ${chunk.length} eos=${endOfStream}`);
      return onBody;
    },
    trailers: () => [],
    bytesSeen: 0,
    bytesInspected: 0,
    close: () => {},
  };
  const exchange: ExchangeInspector = {
    request,
    response: request,
    close: () => void calls.push("close"),
  };
  const engine: InspectionEngine = {
    openExchange: () => exchange,
    info: { hash: "h", signatures: 1, compileSeconds: 0 },
  };
  return { engine, calls };
}

const match = (id: number, severity: Match["severity"], score: number, field = "q"): Match => ({
  signatureId: id,
  family: "sqli",
  severity,
  score,
  target: "args",
  field,
  offset: 0,
});

const withBody: RequestFile = {
  method: "POST",
  target: "/",
  headers: [],
  body: new TextEncoder().encode("a=1"),
};
const noBody: RequestFile = { ...withBody, body: new Uint8Array() };

describe("scanRequest", () => {
  it("allows when nothing matches, sends the body as the last chunk, closes the exchange", async () => {
    const { engine, calls } = scriptedEngine([], []);
    expect(await scanRequest(engine, withBody, DEFAULT_POLICY)).toEqual({ kind: "allow" });
    expect(calls).toEqual(["headers eos=false", "body 3 eos=true", "close"]);
  });

  it("marks the headers as the end of stream when there is no body", async () => {
    const { engine, calls } = scriptedEngine([], []);
    await scanRequest(engine, noBody, DEFAULT_POLICY);
    expect(calls).toEqual(["headers eos=true", "close"]);
  });

  it("blocks at the headers without sending the body when the threshold is reached", async () => {
    const { engine, calls } = scriptedEngine([match(1, "critical", 5)], []);
    const decision = await scanRequest(engine, withBody, DEFAULT_POLICY);
    expect(decision).toMatchObject({ kind: "block", status: 403, reason: "signature", score: 5 });
    expect(calls).toEqual(["headers eos=false", "close"]);
  });

  it("adds scores across messages: a warning in headers plus an error in the body blocks", async () => {
    const { engine } = scriptedEngine([match(1, "warning", 3)], [match(2, "error", 4)]);
    const decision = await scanRequest(engine, withBody, DEFAULT_POLICY);
    expect(decision).toMatchObject({ kind: "block", score: 7 });
    expect(decision.kind === "block" && decision.matches.map((m) => m.signatureId)).toEqual([1, 2]);
  });

  it("keeps a detect from the headers when the body adds nothing", async () => {
    const { engine } = scriptedEngine([match(1, "notice", 2)], []);
    expect(await scanRequest(engine, withBody, DEFAULT_POLICY)).toMatchObject({
      kind: "detect",
      score: 2,
    });
  });

  it("never blocks in detect mode", async () => {
    const { engine } = scriptedEngine([match(1, "critical", 5)], [match(2, "critical", 5)]);
    const policy = { ...DEFAULT_POLICY, mode: "detect" as const };
    expect(await scanRequest(engine, withBody, policy)).toMatchObject({
      kind: "detect",
      score: 10,
    });
  });

  it("closes the exchange when the inspector throws", async () => {
    const { engine, calls } = scriptedEngine([], []);
    const exchange = engine.openExchange();
    const failing = {
      ...engine,
      openExchange: () => ({
        ...exchange,
        request: {
          ...exchange.request,
          headers: () => {
            throw new Error("boom");
          },
        },
      }),
    };
    await expect(scanRequest(failing, withBody, DEFAULT_POLICY)).rejects.toThrow("boom");
    expect(calls).toEqual(["close"]);
  });
});

describe("scan output", () => {
  const block = {
    kind: "block" as const,
    status: 403,
    reason: "signature" as const,
    score: 5,
    matches: [match(942100, "critical", 5, "id")],
  };

  it("maps each decision to its documented exit status", () => {
    expect([SCAN_EXIT.allow, SCAN_EXIT.block, SCAN_EXIT.detect]).toEqual([0, 1, 3]);
  });

  it("prints the decision and one row per match, with the field name quoted", () => {
    const text = scanText(block, { mode: "enforce", threshold: 5 });
    expect(text.split("\n")[0]).toBe(
      "block: status 403, reason signature, score 5 (mode enforce, threshold 5)",
    );
    expect(text).toMatch(/942100\s+sqli\s+critical\s+args\s+"id"/);
  });

  it("writes JSON with snake_case keys and no payload", () => {
    expect(scanJson(block)).toEqual({
      decision: "block",
      status: 403,
      reason: "signature",
      score: 5,
      matches: [
        {
          signature_id: 942100,
          family: "sqli",
          severity: "critical",
          score: 5,
          target: "args",
          field: "id",
        },
      ],
    });
    expect(scanJson({ kind: "allow" })).toEqual({ decision: "allow", score: 0, matches: [] });
  });
});
