/**
 * Issue 2, figure 1: how many built-in signatures load, how long loading takes (YAML parsing
 * and per-pattern Hyperscan validation, repeated), and how long compiling the engine takes at
 * the default paranoia level (and, in the full run, with every level). Compiling takes seconds,
 * so it runs once here; the start-up section adds one compile sample per server start. No
 * baseline: these are absolute costs.
 */
import type { CompiledEngine } from "../../src/inspect/engine.js";
import { compileBuiltin, DEFAULT_PARANOIA, loadBuiltin } from "../harness/signature-set.js";
import { fmt, interleaved, median } from "../harness/stats.js";
import type { Section, SectionContext } from "./section.js";

/** The targets whose streams a request inspector opens (request-inspector.ts). */
const REQUEST_STREAM_TARGETS = ["request_body", "args", "args_names"] as const;

function describeEngine(engine: CompiledEngine): string {
  const groups = engine.compiled.groups;
  const streamGroups = groups.filter((g) => g.stream !== undefined);
  const dbBytes = groups.reduce(
    (sum, g) => sum + (g.block?.sizeBytes ?? 0) + (g.stream?.sizeBytes ?? 0),
    0,
  );
  // A request inspector opens one stream per stream database for each of these targets.
  let requestStreamState = 0;
  for (const target of REQUEST_STREAM_TARGETS) {
    for (const g of streamGroups) {
      if (g.targets.has(target)) requestStreamState += g.stream?.streamSizeBytes ?? 0;
    }
  }
  return (
    `${engine.info.signatures} signatures in ${groups.length} groups ` +
    `(${streamGroups.length} with a stream database), databases ${fmt(dbBytes / 1024)} KiB, ` +
    `Hyperscan stream state ${requestStreamState} B per request direction; ` +
    `${engine.compiled.failures.length} refused by Hyperscan`
  );
}

export const signaturesSection: Section = {
  name: "signatures",
  async run({ profile, report, fixtures }: SectionContext): Promise<void> {
    const loaded = await fixtures.loaded();
    const { report: load } = loaded;
    report.add({
      section: "signatures",
      measurement: "built-in set loaded",
      weir: `${load.loaded.length} signatures`,
      notes: `${load.files.length} files, ${load.skipped.length} skipped, ${load.failed.length} failed`,
    });
    for (const failure of load.failed) report.problem(`signature load failure: ${failure.error}`);

    const loads = await interleaved(
      [
        {
          name: "load",
          run: async () => {
            const started = performance.now();
            await loadBuiltin();
            return (performance.now() - started) / 1000;
          },
        },
      ],
      profile.warmups,
      Math.max(3, profile.repetitions),
    );
    report.add({
      section: "signatures",
      measurement: "load time (YAML + per-pattern validation)",
      weir: `${fmt(median(loads.get("load") ?? []) * 1000)} ms`,
      notes: `median of ${Math.max(3, profile.repetitions)}`,
    });

    const engine = await fixtures.defaultEngine(compileBuiltin(loaded, DEFAULT_PARANOIA));
    report.add({
      section: "signatures",
      measurement: `compile time, paranoia ${DEFAULT_PARANOIA} (default)`,
      weir: `${fmt(engine.info.compileSeconds)} s`,
      notes: `one compile in-process; ${describeEngine(engine)}`,
    });
    if (profile.compileAllLevels) {
      const all = compileBuiltin(loaded, 4);
      report.add({
        section: "signatures",
        measurement: "compile time, paranoia 4 (every signature)",
        weir: `${fmt(all.info.compileSeconds)} s`,
        notes: `one compile in-process; ${describeEngine(all)}`,
      });
      all.retire();
    }
  },
};
