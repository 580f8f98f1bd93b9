/**
 * What a route's scope does to the real engine's inspection (the fixture signature set):
 * excerpts kept while the value is in hand, paranoia and family narrowing, excluded hits kept
 * aside, and the scope set once per exchange.
 */
import { describe, expect, it } from "vitest";
import type { ExchangeInspector, InspectionScope, Match } from "../../src/inspect/types.js";
import { signatureEngine } from "./counting-engine.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const ALL: InspectionScope = { paranoia: 4, families: undefined, exclusions: [] };

function headers(path: string, extra: [string, string][] = []) {
  return [
    [":path", path],
    [":method", "POST"],
    [":authority", "app.example"],
    ["content-type", "text/plain"],
    ...extra,
  ].map(([key, value]) => ({ key: key ?? "", value: encoder.encode(value ?? "") }));
}

function open(scope: InspectionScope, excerpts: boolean, paranoia = 1): ExchangeInspector {
  const exchange = signatureEngine({}, paranoia).openExchange();
  exchange.useScope?.(scope, excerpts);
  return exchange;
}

function excerpt(m: Match | undefined): string | undefined {
  return m?.excerpt === undefined ? undefined : decoder.decode(m.excerpt);
}

describe("an exchange's inspection scope", () => {
  it("keeps the bytes around a header match when excerpts are on", () => {
    const exchange = open(ALL, true);
    const [hit] = exchange.request.headers(
      headers("/", [["user-agent", "Mozilla/5.0 sqlmap/1.7"]]),
      true,
    );
    expect(hit?.signatureId).toBe(2);
    expect(excerpt(hit)).toBe("Mozilla/5.0 sqlmap/1.7");
    exchange.close();
  });

  it("keeps the match's own chunk of a streamed body, not the chunk before", () => {
    const exchange = open(ALL, true);
    exchange.request.headers(headers("/upload"), false);
    expect(exchange.request.body(encoder.encode("echo $("), false)).toEqual([]);
    const fresh = exchange.request.body(encoder.encode("id) and more text"), true);
    if (!Array.isArray(fresh)) throw new Error("expected synchronous matches");
    const [hit] = fresh as readonly Match[];
    expect(hit?.signatureId).toBe(5);
    expect(excerpt(hit)).toBe("id) and more text");
    exchange.close();
  });

  it("keeps no bytes when excerpts are off", () => {
    const exchange = open(ALL, false);
    const [hit] = exchange.request.headers(headers("/?q=%3Cscript%3E"), true);
    expect(hit?.signatureId).toBe(3);
    expect(hit?.excerpt).toBeUndefined();
    exchange.close();
  });

  it("ignores signatures above the route's paranoia level and outside its families", () => {
    const paranoid = open({ ...ALL, paranoia: 1 }, false, 2);
    expect(paranoid.request.headers(headers("/?q=paranoid"), true)).toEqual([]);
    paranoid.close();
    const xssOnly = open({ ...ALL, families: new Set(["xss"]) }, false);
    const hits = xssOnly.request.headers(headers("/?a=1%20or%201%3D1&b=%3Cscript%3E"), true);
    expect(hits.map((m) => m.signatureId)).toEqual([3]);
    xssOnly.close();
  });

  it("drops an excluded hit from the matches and keeps it aside, once per signature", () => {
    const exchange = open(
      { ...ALL, exclusions: [{ ids: [3], target: "args", field: "note" }] },
      false,
    );
    const hits = exchange.request.headers(
      headers("/?note=%3Cscript%3E&NOTE=%3Cscript%3E&c=%3Cscript%3E"),
      true,
    );
    expect(hits.map((m) => `${m.signatureId}:${m.field}`)).toEqual(["3:c"]);
    expect(exchange.request.excluded?.map((m) => `${m.signatureId}:${m.field}`)).toEqual([
      "3:note",
    ]);
    exchange.close();
  });

  it("is set once, before inspection", () => {
    const exchange = open(ALL, false);
    expect(() => exchange.useScope?.(ALL, false)).toThrow(/set once/);
    exchange.close();
  });
});
