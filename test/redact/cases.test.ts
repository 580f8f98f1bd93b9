/**
 * The redaction cases of test/fixtures/redact/cases.yaml, each run through the leak scanner
 * whole, cut in two at every offset, and cut at random offsets into up to 8 chunks: the
 * forwarded bytes and the counted occurrences must be exactly the case's, whatever the cut
 * (DESIGN I2), and the scanner never holds back more than its width.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { redactionOptions } from "../../src/redact/options.js";
import { closeCompiled } from "../../src/signatures/compile.js";
import {
  BUILT_IN_LEAKAGE,
  cut,
  type LoadedLeakSet,
  loadLeakSet,
  NARROW,
  runScanner,
} from "./scanner-run.js";

interface Case {
  readonly name: string;
  readonly signatures: "built-in" | "narrow";
  readonly settings?: { defaultStyle?: string; mask?: string; token?: string };
  readonly body: string;
  readonly output: string;
  readonly redacted: Record<string, number>;
}

const CASES = parse(
  readFileSync(new URL("../fixtures/redact/cases.yaml", import.meta.url), "utf8"),
) as Case[];

const loaded = new Map<string, LoadedLeakSet>();
async function setFor(c: Case): Promise<LoadedLeakSet> {
  const key = `${c.signatures}/${JSON.stringify(c.settings ?? {})}`;
  let set = loaded.get(key);
  if (set === undefined) {
    const file = c.signatures === "built-in" ? BUILT_IN_LEAKAGE : NARROW;
    set = await loadLeakSet(file, redactionOptions(c.settings));
    loaded.set(key, set);
  }
  return set;
}
afterAll(() => {
  for (const set of loaded.values()) closeCompiled(set.compiled);
});

function expected(c: Case) {
  const occurrences: Record<number, number> = {};
  for (const [id, count] of Object.entries(c.redacted)) occurrences[Number(id)] = count;
  return { output: c.output, occurrences };
}

describe("redaction cases", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { set } = await setFor(c);
    const body = Buffer.from(c.body, "utf8");
    const check = (chunks: Uint8Array[], label: string) => {
      const run = runScanner(set, chunks);
      expect(
        { output: Buffer.from(run.output).toString("utf8"), occurrences: run.occurrences },
        label,
      ).toEqual(expected(c));
      expect(run.late, label).toBe(0);
      expect(run.maxHeld, label).toBeLessThanOrEqual(set.rewriteWidth);
    };
    check([body], "whole");
    for (let at = 0; at <= body.length; at++) check(cut(body, [at]), `cut at ${at}`);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: body.length }), { maxLength: 7 }), (offsets) => {
        check(cut(body, offsets), `cut at ${offsets.join(",")}`);
      }),
      { numRuns: 50 },
    );
  });
});
