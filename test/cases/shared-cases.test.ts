/**
 * The shared-cases runner (shared/cases/README.md, "Running the cases"): every variant of every
 * case file runs through the Envoy simulator against a real weir server with the built-in
 * signatures. One `describe` per case file, one `it` per variant. A variant runs as given,
 * then split in two at every offset when it asks for splitEverywhere (a sample of 64 offsets,
 * edges included, for bodies over 64 KiB; a sample where the notes ask for one). Every run must
 * give the expected verdict and status, and for a block or error at least one reported family
 * from the expected list; the plan (test/fixtures/cases/plan.json) adds what the notes require
 * and lists the variants the runner cannot run, each skipped with its reason.
 *
 * Extra families are warnings, printed with the skips at the end. Message timeouts are patient
 * (helpers.ts): the variants that are about timeouts need a hook and are skipped.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { ExtProcConfigInput } from "../../src/envoy/index.js";
import {
  type CaseFile,
  type CaseRun,
  type CaseVariant,
  loadCases,
  requestBody,
  runsOf,
  simulatorConfig,
} from "../simulator/cases.js";
import { PATIENT_MS } from "../simulator/helpers.js";
import { runExchange, type SimConfig } from "../simulator/simulator.js";
import { judgeRun } from "./case-check.js";
import { loadPlan, splitOffsets, type VariantPlan, variantKey } from "./case-plan.js";
import { CaseServers } from "./case-servers.js";

const files = loadCases();
const plan = loadPlan(files);
const servers = new CaseServers();
const warnings: string[] = [];
const skipped: string[] = [];
const notes: string[] = [];
/** Per case file: variants passed, failed, skipped (printed at the end). */
const tally = new Map<string, { pass: number; fail: number; skip: number }>();
const count = (id: string, what: "pass" | "fail" | "skip"): void => {
  const t = tally.get(id) ?? { pass: 0, fail: 0, skip: 0 };
  t[what]++;
  tally.set(id, t);
};
/** Split runs in flight at once (independent exchanges over one client). */
const CONCURRENCY = 8;
/** Failures quoted per variant; the count says how many more there were. */
const QUOTED_FAILURES = 12;

afterAll(async () => {
  await servers.close();
  const lines = [
    "shared cases: pass / fail / skip per case file:",
    ...[...tally].map(([id, t]) => `  ${id}: ${t.pass} / ${t.fail} / ${t.skip}`),
    `shared cases: ${skipped.length} variants skipped:`,
    ...skipped.map((s) => `  SKIPPED ${s}`),
    `shared cases: ${notes.length} notes:`,
    ...notes.map((n) => `  NOTE ${n}`),
    `shared cases: ${warnings.length} warnings (families reported beyond the expected list):`,
    ...warnings.map((w) => `  WARN ${w}`),
  ];
  console.log(lines.join("\n"));
});

for (const file of files) {
  describe(file.id, () => {
    for (const variant of file.variants) {
      const key = variantKey(file, variant);
      const reason = plan.skip[key];
      if (reason !== undefined) {
        skipped.push(`${key}: ${reason}`);
        count(file.id, "skip");
        it.skip(`${key} [skipped: ${reason}]`, () => {});
        continue;
      }
      it(key, () => runVariant(file, variant, plan.variants[key]), 180_000);
    }
  });
}

async function runVariant(
  file: CaseFile,
  variant: CaseVariant,
  variantPlan: VariantPlan | undefined,
): Promise<void> {
  const server = await servers.serverFor(variant.config, variantPlan?.exclusions);
  const config = simConfig(variant, variantPlan);
  const body = requestBody(variant);
  const duplex = config.requestBodyMode === "FULL_DUPLEX_STREAMED";
  // runsOf splits only splitEverywhere variants; a sample the notes ask for is split the same way.
  const sampled = variantPlan?.sampleOffsets !== undefined;
  const runs = runsOf(file, sampled ? { ...variant, splitEverywhere: true } : variant, {
    offsets: (length) => splitOffsets(variant, variantPlan, length),
  });
  const failures: string[] = [];
  const note = (run: CaseRun, problems: readonly string[]): void => {
    const where = run.split === null ? "as given" : `split at ${run.split}`;
    for (const problem of problems) failures.push(`${where}: ${problem}`);
  };

  // The run as given goes alone, so the server's counters can be read as deltas.
  const first = runs.next();
  if (first.done === true) throw new Error(`${file.id}: runsOf yielded nothing`);
  const before = server.observer.requestBytesInspected;
  const outcome = await runExchange({ client: server.client }, first.value.exchange, config);
  const given = judgeRun(variant.expect, variantPlan, {
    outcome,
    body,
    duplex,
    split: false,
    inspectedBytes: server.observer.requestBytesInspected - before,
  });
  note(first.value, given.failures);
  const key = variantKey(file, variant);
  for (const w of given.warnings) warnings.push(`${key}: ${w}`);

  let splits = 0;
  let excused = given.excused.length > 0 ? 1 : 0;
  let alternatives = given.alternative ? 1 : 0;
  const familySets = new Set<string>();
  await pool(runs, CONCURRENCY, async (run) => {
    splits++;
    const result = await runExchange({ client: server.client }, run.exchange, config);
    const judged = judgeRun(variant.expect, variantPlan, {
      outcome: result,
      body,
      duplex,
      split: true,
    });
    note(run, judged.failures);
    if (judged.excused.length > 0) excused++;
    if (judged.alternative) alternatives++;
    if (judged.warnings.length > 0) familySets.add(judged.warnings.join("; "));
  });
  if (excused > 0) {
    notes.push(
      `${key}: ${excused} of ${splits + 1} runs were refused at an earlier chunk, before the ` +
        "chunk holding a family required together with the one that refused",
    );
  }
  if (alternatives > 0) {
    notes.push(
      `${key}: ${alternatives} of ${splits + 1} runs gave the accepted alternative outcome`,
    );
  }
  if (familySets.size > 0) {
    warnings.push(`${key}: over ${splits} split runs: ${[...familySets].join(" | ")}`);
  }
  if (server.errors.length > 0) {
    failures.push(`server logged errors: ${server.errors.splice(0).slice(0, 3).join(" / ")}`);
  }
  const shown = failures.slice(0, QUOTED_FAILURES);
  count(file.id, failures.length === 0 ? "pass" : "fail");
  if (failures.length > shown.length) shown.push(`... and ${failures.length - shown.length} more`);
  expect(shown, `${key} (${splits} split runs)`).toEqual([]);
}

/**
 * The variant's simulator settings, with a patient message timeout and the plan's additions.
 *
 * Envoy's runtime guard ext_proc_graceful_grpc_close is turned on: with it off (the 1.37
 * default) every exchange ends with half-close then cancel, one RST_STREAM per exchange, and
 * Node's nghttp2 Rapid-Reset guard (a burst of 1000, then 33 per second; not configurable on
 * Node 20) closes the shared connection with GOAWAY INTERNAL_ERROR after about a thousand
 * exchanges, failing the ones in flight with 500. The runner judges verdicts; that server-side
 * issue is reported separately.
 */
function simConfig(variant: CaseVariant, variantPlan: VariantPlan | undefined): SimConfig {
  const config: SimConfig = {
    ...simulatorConfig(variant.config),
    messageTimeoutMs: PATIENT_MS,
    switches: { gracefulGrpcClose: true },
  };
  const extra = variantPlan?.simulator;
  if (extra === undefined) return config;
  const { requestTrailerMode, ...rest } = extra;
  const extProc: ExtProcConfigInput = { ...rest };
  if (requestTrailerMode !== undefined) extProc.processingMode = { requestTrailerMode };
  return { ...config, extProc };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(
  items: Iterator<T>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const worker = async (): Promise<void> => {
    for (let next = items.next(); next.done !== true; next = items.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}
