/**
 * Runs the request vectors in test/fixtures/inspect through the engine with a small signature
 * set, whole and at every split of the body into two chunks, plus seeded splits into up to
 * eight chunks: the matches (signature, target, field) must be the same every time (I2).
 *
 * A vector's body is UTF-8 text (`body`) or bytes (`bodyBase64`, e.g. gzip). `limits` overrides
 * parts of the engine's default limits for that vector (one engine per distinct override).
 * Body calls that return a promise (a Content-Encoding is undone) are awaited, each before the
 * next, as the exchange does.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CompiledEngine, compileEngine } from "../../src/inspect/engine.js";
import { DEFAULT_LIMITS, type InspectionLimits } from "../../src/inspect/limits.js";
import type { Match } from "../../src/inspect/types.js";
import type { CompilableSignature } from "../../src/signatures/compile.js";

interface Vector {
  readonly name: string;
  readonly headers: [string, string][];
  /** UTF-8 body text; null: no body (end_of_stream on the headers) unless `bodyBase64` gives it. */
  readonly body: string | null;
  /** The body as bytes, instead of `body`. */
  readonly bodyBase64?: string;
  readonly limits?: Partial<
    Pick<InspectionLimits, "inspectionLimitBytes" | "overLimit" | "inflate">
  >;
  readonly expect: [number, string, string][];
}

const fixtures = new URL("../fixtures/inspect/", import.meta.url);
const signatures = JSON.parse(
  readFileSync(new URL("signatures.json", fixtures), "utf8"),
) as CompilableSignature[];
const vectors = JSON.parse(readFileSync(new URL("requests.json", fixtures), "utf8")) as Vector[];
const engine = compileEngine(signatures, { paranoia: 1 });
const engines = new Map<string, CompiledEngine>([["{}", engine]]);
const encoder = new TextEncoder();

function engineFor(vector: Vector): CompiledEngine {
  const key = JSON.stringify(vector.limits ?? {});
  let found = engines.get(key);
  if (found === undefined) {
    found = compileEngine(signatures, {
      paranoia: 1,
      limits: { ...DEFAULT_LIMITS, ...vector.limits },
    });
    engines.set(key, found);
  }
  return found;
}

function bodyOf(vector: Vector): Uint8Array | undefined {
  if (vector.bodyBase64 !== undefined) return Buffer.from(vector.bodyBase64, "base64");
  return vector.body === null ? undefined : encoder.encode(vector.body);
}

async function run(vector: Vector, chunks: Uint8Array[]): Promise<[number, string, string][]> {
  const exchange = engineFor(vector).openExchange();
  try {
    const found: Match[] = [];
    const headers = vector.headers.map(([key, value]) => ({ key, value: encoder.encode(value) }));
    found.push(...exchange.request.headers(headers, bodyOf(vector) === undefined));
    for (const [i, chunk] of chunks.entries()) {
      found.push(...(await exchange.request.body(chunk, i === chunks.length - 1)));
    }
    return found.map((m) => [m.signatureId, m.target, m.field]);
  } finally {
    exchange.close();
  }
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomSplit(body: Uint8Array, random: () => number): Uint8Array[] {
  const parts = 1 + Math.floor(random() * 8);
  const cuts = [
    ...new Set(Array.from({ length: parts - 1 }, () => Math.floor(random() * body.length))),
  ].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, body.length]) {
    chunks.push(body.subarray(start, cut));
    start = cut;
  }
  return chunks;
}

describe("inspection engine", () => {
  it("compiles the fixture set without failures", () => {
    expect(engine.compiled.failures).toEqual([]);
    expect(engine.info.signatures).toBe(7);
  });

  for (const vector of vectors) {
    it(`${vector.name}: finds exactly the expected matches`, async () => {
      const body = bodyOf(vector);
      const whole = await run(vector, body === undefined ? [] : [body]);
      expect(whole).toEqual(vector.expect);
      if (body === undefined) return;
      for (let k = 1; k < body.length; k++) {
        const split = await run(vector, [body.subarray(0, k), body.subarray(k)]);
        expect(split, `split at ${k}`).toEqual(whole);
      }
      const random = seeded(vector.name.length * 7919);
      for (let round = 0; round < 50; round++) {
        const chunks = randomSplit(body, random);
        expect(await run(vector, chunks), `chunks ${chunks.map((c) => c.length)}`).toEqual(whole);
      }
    });
  }
});
