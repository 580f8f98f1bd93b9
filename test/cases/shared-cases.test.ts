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
 * (helpers.ts) except where the plan keeps Envoy's (the time-budget variants). The plan's hooks
 * stall one inspection on the server, reset the client mid-body, repeat a variant, or turn on
 * the simulator's fault switches; its counts are read from the server for the run as given
 * (and each repetition) once the server closed the streams.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { ExtProcConfigInput } from "../../src/envoy/index.js";
import { DEFAULT_MESSAGE_BUDGET, type MessageBudget } from "../../src/inspect/budget.js";
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
import { type CaseServer, CaseServers, type CountingObserver } from "./case-servers.js";

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
  const config = simConfig(variant, variantPlan);
  const server = await servers.serverFor(variant.config, {
    ...(variantPlan?.exclusions === undefined ? {} : { exclusions: variantPlan.exclusions }),
    ...(variantPlan?.hooks?.stall === undefined ? {} : { stall: variantPlan.hooks.stall }),
    timing: budgetFor(config.messageTimeoutMs ?? PATIENT_MS),
  });
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
  const before = snapshot(server.observer);
  const outcome = await runExchange({ client: server.client }, first.value.exchange, config);
  const given = judgeRun(variant.expect, variantPlan, {
    outcome,
    body,
    duplex,
    split: false,
    inspectedBytes: server.observer.requestBytesInspected - before.inspected,
  });
  note(first.value, given.failures);
  failures.push(...(await countFailures(server, before, variantPlan, 1)));
  const key = variantKey(file, variant);
  for (const w of given.warnings) warnings.push(`${key}: ${w}`);

  const repeat = variantPlan?.hooks?.repeat ?? 1;
  if (repeat > 1) {
    const again = snapshot(server.observer);
    let left = repeat - 1;
    const repeats: Iterator<CaseRun> = {
      next: () =>
        left-- > 0 ? { done: false, value: first.value } : { done: true, value: undefined },
    };
    await pool(repeats, CONCURRENCY, async (run) => {
      const result = await runExchange({ client: server.client }, run.exchange, config);
      const judged = judgeRun(variant.expect, variantPlan, {
        outcome: result,
        body,
        duplex,
        split: false,
      });
      for (const problem of judged.failures) failures.push(`repetition: ${problem}`);
    });
    failures.push(...(await countFailures(server, again, variantPlan, repeat - 1)));
  }

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
 * weir's budget below the simulated Envoy's message_timeout, in the product's proportion (150 ms
 * of 200 ms): with the runner's patient timeout a large body is not refused for the time a
 * loaded test machine takes, and the timing variants get the product's 150 ms.
 */
function budgetFor(messageTimeoutMs: number): MessageBudget {
  const ratio = DEFAULT_MESSAGE_BUDGET.budgetMs / 200;
  return { ...DEFAULT_MESSAGE_BUDGET, budgetMs: Math.round(messageTimeoutMs * ratio) };
}

interface Counters {
  readonly inspected: number;
  readonly opened: number;
  readonly streamErrors: number;
  readonly budgetOverruns: number;
  readonly anomalies: number;
}

function snapshot(o: CountingObserver): Counters {
  return {
    inspected: o.requestBytesInspected,
    opened: o.opened,
    streamErrors: o.streamErrors.length,
    budgetOverruns: o.budgetOverruns,
    anomalies: o.anomalies,
  };
}

/**
 * Once the server closed every stream the runs opened (Envoy's close reaches it after the
 * exchange returned), the plan's counts must have moved by `runs` times their value.
 */
async function countFailures(
  server: CaseServer,
  before: Counters,
  plan: VariantPlan | undefined,
  runs: number,
): Promise<string[]> {
  const o = server.observer;
  const settled = Date.now() + 5_000;
  while (o.closed < o.opened && Date.now() < settled) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const out: string[] = [];
  if (o.closed !== o.opened) out.push(`${o.opened - o.closed} streams still open on the server`);
  const counts = plan?.counts;
  if (counts === undefined) return out;
  const check = (what: string, delta: number, perRun: number | undefined): void => {
    if (perRun !== undefined && delta !== perRun * runs) {
      out.push(`server counted ${delta} ${what} over ${runs} runs, expected ${perRun * runs}`);
    }
  };
  check("budget overruns", o.budgetOverruns - before.budgetOverruns, counts.budgetOverruns);
  check("protocol anomalies", o.anomalies - before.anomalies, counts.anomalies);
  if (counts.streamError !== undefined) {
    const reasons = o.streamErrors.slice(before.streamErrors);
    check(
      `${counts.streamError} stream errors`,
      reasons.filter((r) => r === counts.streamError).length,
      1,
    );
    const others = reasons.filter((r) => r !== counts.streamError);
    if (others.length > 0) out.push(`unexpected stream errors: ${[...new Set(others)].join(", ")}`);
  }
  return out;
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
  const hooks = variantPlan?.hooks;
  const config: SimConfig = {
    ...simulatorConfig(variant.config),
    messageTimeoutMs:
      hooks?.envoyMessageTimeout === true ? (variant.config.messageTimeoutMs ?? 200) : PATIENT_MS,
    switches: { gracefulGrpcClose: true },
    ...(hooks?.resetAfter === undefined ? {} : { resetAfter: hooks.resetAfter }),
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
