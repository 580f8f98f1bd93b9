/**
 * The false-positive corpus (test/fixtures/fp-corpus/*.jsonl, about 2,400 ordinary requests)
 * through the built-in signatures at the product defaults: paranoia 1, threshold 5, enforce
 * mode. Each request is replayed as Envoy streams it, whole and at three seeded splits of its
 * body. Fewer than 0.5% of the requests may block (issue 4); every block must either be gone or
 * be listed in expected-blocks.json with the reason real CRS paranoia 1 blocks it too. The run
 * prints the block count and rate and a table of every id that fired (blocking and detect-only).
 */
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledEngine, compileEngine } from "../../src/inspect/engine.js";
import { findingRuleById } from "../../src/inspect/findings.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";
import { directoryCache } from "../../src/signatures/database-cache.js";
import { loadSignatures } from "../../src/signatures/load.js";
import type { Signature } from "../../src/signatures/types.js";
import { type FpRequest, parseCorpusFile } from "./corpus-format.js";
import { type Outcome, replayRequest } from "./request-driver.js";

const CORPUS = fileURLToPath(new URL("../fixtures/fp-corpus/", import.meta.url));
/** The built-in set, or $WEIR_FP_SIGNATURES_DIR (to measure another set against the corpus). */
const SIGNATURES =
  process.env.WEIR_FP_SIGNATURES_DIR ??
  fileURLToPath(new URL("../../signatures/", import.meta.url));
const PARANOIA = 1;
const SPLITS = 3;
/** Issue 4: fewer than 0.5% of the corpus may be blocked. */
const MAX_BLOCK_RATE = 0.005;
/** The expected-block list must stay a handful of named, justified requests. */
const MAX_EXPECTED = 12;

interface ExpectedBlock {
  readonly id: string;
  readonly signatures: readonly number[];
  readonly reason: string;
  readonly crs: string;
}

const corpus: FpRequest[] = readdirSync(CORPUS)
  .filter((f) => f.endsWith(".jsonl"))
  .sort()
  .flatMap((f) => parseCorpusFile(f, readFileSync(join(CORPUS, f), "utf8")));
const expected = (
  JSON.parse(readFileSync(join(CORPUS, "expected-blocks.json"), "utf8")) as {
    expected: ExpectedBlock[];
  }
).expected;

let engine: CompiledEngine;
let signatures: readonly Signature[];
const outcomes: Outcome[] = [];

beforeAll(async () => {
  signatures = (await loadSignatures(SIGNATURES, { paranoia: PARANOIA })).signatures;
  const cache = directoryCache(join(tmpdir(), "weir-fp-corpus-databases"), () => {});
  engine = compileEngine(signatures, { paranoia: PARANOIA, cache });
  for (const [i, request] of corpus.entries()) {
    outcomes.push(await replayRequest(engine, request, DEFAULT_POLICY, 0xf00d + i, SPLITS));
  }
  process.stdout.write(report());
}, 600_000);

afterAll(() => engine?.retire());

function describeId(id: number): string {
  const s = signatures.find((x) => x.id === id);
  if (s !== undefined) return `${s.family} ${s.severity}: ${s.name}`;
  const rule = findingRuleById(id);
  return rule === undefined ? "unknown" : `${rule.family} ${rule.severity} (decoder finding)`;
}

function countIds(pick: (o: Outcome) => readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const o of outcomes) for (const id of pick(o)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]));
}

function report(): string {
  const blocked = outcomes.filter((o) => o.blocked);
  const rate = ((100 * blocked.length) / outcomes.length).toFixed(2);
  const lines = [
    `\nfalse-positive corpus: ${outcomes.length} requests, ${blocked.length} blocked (${rate}%) at paranoia ${PARANOIA}, threshold ${DEFAULT_POLICY.threshold}`,
  ];
  for (const kind of [...new Set(corpus.map((r) => r.id.replace(/-\d+$/, "")))]) {
    const of = outcomes.filter((o) => o.request.id.startsWith(`${kind}-`));
    lines.push(
      `  ${kind.padEnd(14)} ${String(of.length).padStart(4)} requests, ${of.filter((o) => o.blocked).length} blocked, ${of.filter((o) => !o.blocked && o.ids.length > 0).length} detect-only`,
    );
  }
  lines.push("ids in blocked requests (id: requests):");
  for (const [id, n] of countIds((o) => o.blockIds)) lines.push(`  ${id}: ${n}  ${describeId(id)}`);
  lines.push("ids that fired anywhere, blocking or not (id: requests):");
  for (const [id, n] of countIds((o) => o.ids)) lines.push(`  ${id}: ${n}  ${describeId(id)}`);
  lines.push("blocked requests:");
  for (const o of blocked)
    lines.push(`  ${o.request.id} [${o.blockIds.join(", ")}] ${o.request.note}`);
  return `${lines.join("\n")}\n`;
}

describe("false-positive corpus at the default paranoia level", () => {
  it("holds at least 2,000 requests with unique ids", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(2000);
    expect(new Set(corpus.map((r) => r.id)).size).toBe(corpus.length);
  });

  it(`blocks fewer than ${MAX_BLOCK_RATE * 100}% of the requests`, () => {
    const blocked = outcomes.filter((o) => o.blocked);
    expect(outcomes.length).toBe(corpus.length);
    expect(blocked.length / outcomes.length).toBeLessThan(MAX_BLOCK_RATE);
  });

  it("blocks only requests listed in expected-blocks.json", () => {
    const listed = new Set(expected.map((e) => e.id));
    const unexpected = outcomes
      .filter((o) => o.blocked && !listed.has(o.request.id))
      .map((o) => `${o.request.id} [${o.blockIds.join(", ")}] ${o.request.note}`);
    expect(unexpected).toEqual([]);
  });

  it("lists a handful of expected blocks, each justified, present and still blocking", () => {
    expect(expected.length).toBeLessThanOrEqual(MAX_EXPECTED);
    for (const e of expected) {
      expect(e.reason.length, e.id).toBeGreaterThan(40);
      expect(e.crs, e.id).toMatch(/\b9\d{5}\b/);
      const outcome = outcomes.find((o) => o.request.id === e.id);
      expect(outcome, `${e.id} is not in the corpus`).toBeDefined();
      expect(outcome?.blocked, `${e.id} no longer blocks: remove it from the list`).toBe(true);
      for (const id of e.signatures) expect(outcome?.blockIds, e.id).toContain(id);
    }
  });

  it("finds the same signatures whole and at every split of a body", () => {
    const varying = outcomes
      .filter((o) => o.replays.some((r) => r.ids.join() !== o.replays[0]?.ids.join()))
      .map(
        (o) =>
          `${o.request.id}: ${o.replays.map((r) => `[${r.chunks.join("+")}] -> [${r.ids.join(", ")}]`).join("; ")}`,
      );
    expect(varying).toEqual([]);
  });
});
