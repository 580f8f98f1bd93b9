/**
 * The built-in set against two corpora (test/fixtures/signatures/corpus/): attack values that
 * paranoia-1 signatures must catch with a blocking score, and legitimate values that no
 * paranoia-1 signature may match. A signature's own samples only test that signature; these
 * test the set as a whole, across every target a value can reach.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SEVERITY_SCORE, TARGETS, type Target } from "../../src/inspect/types.js";
import { loadSignatures } from "../../src/signatures/load.js";
import { printable, toBytes } from "../../src/signatures/sample-test.js";
import type { Sample } from "../../src/signatures/types.js";
import { SignatureMatcher } from "./signature-matcher.js";

const BUILT_IN = fileURLToPath(new URL("../../signatures", import.meta.url));
const CORPUS = fileURLToPath(new URL("../fixtures/signatures/corpus", import.meta.url));
/** CRS's default inbound anomaly threshold: one critical signature. */
const BLOCKING_SCORE = 5;
const PARANOIA = 1;

interface CorpusEntry {
  readonly target: string;
  readonly values: readonly Sample[];
  readonly families?: readonly string[];
  readonly case?: string;
  readonly allow?: readonly number[];
  readonly minScore?: number;
}

function readCorpus(
  name: string,
): { target: Target; field: string | undefined; entry: CorpusEntry }[] {
  const entries = parse(readFileSync(`${CORPUS}/${name}`, "utf8"), {
    customTags: ["binary"],
  }) as CorpusEntry[];
  return entries.map((entry) => {
    const colon = entry.target.indexOf(":");
    const target = (colon < 0 ? entry.target : entry.target.slice(0, colon)) as Target;
    if (!(TARGETS as readonly string[]).includes(target))
      throw new Error(`${name}: unknown target ${entry.target}`);
    return { target, field: colon < 0 ? undefined : entry.target.slice(colon + 1), entry };
  });
}

const { signatures } = await loadSignatures(BUILT_IN, { paranoia: PARANOIA });
const matcher = new SignatureMatcher(signatures);
afterAll(() => matcher.close());

const cases = (name: string) =>
  readCorpus(name).flatMap(({ target, field, entry }) =>
    entry.values.map(
      (value) => [`${entry.target} ${printable(value)}`, { target, field, entry, value }] as const,
    ),
  );

describe("attack corpus at paranoia 1", () => {
  it.each(cases("attacks.yaml"))("%s", (_, { target, field, entry, value }) => {
    const hits = matcher.match(target, field, toBytes(value));
    const families = entry.families ?? [];
    const label = hits.map((s) => `${s.id} ${s.family} ${s.severity}`).join(", ") || "nothing";
    expect(
      hits.some((s) => families.includes(s.family)),
      `matched ${label}; wanted ${families.join("/")}`,
    ).toBe(true);
    const score = hits.reduce((sum, s) => sum + SEVERITY_SCORE[s.severity], 0);
    expect(score, `matched ${label}`).toBeGreaterThanOrEqual(entry.minScore ?? BLOCKING_SCORE);
  });
});

describe("benign corpus at paranoia 1", () => {
  it.each(cases("benign.yaml"))("%s", (_, { target, field, entry, value }) => {
    const allowed = new Set(entry.allow ?? []);
    const hits = matcher.match(target, field, toBytes(value)).filter((s) => !allowed.has(s.id));
    expect(hits.map((s) => `${s.id} ${s.family}: ${s.name}`)).toEqual([]);
  });
});
