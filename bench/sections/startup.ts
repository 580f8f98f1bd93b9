/**
 * Issue 2, figure 5 (and issue 5's database cache): start-up of `weir serve` from process
 * spawn to its "weir serving" line (module loading, signature loading, compiling or loading
 * the databases, gRPC bind), and the compile time it logs. Cold starts compile every database
 * (`--cache-dir off`, or the first start on the run's emptied cache); warm starts find them in
 * the cache. Every weir server the run started counts; more are started until the profile's
 * number of each is reached. The no-op server's start-up (same Node and grpc-js, no
 * signatures) is the baseline.
 */
import type { StartupSample } from "../harness/fixtures.js";
import { fmt, median } from "../harness/stats.js";
import type { Section, SectionContext } from "./section.js";

function count(samples: readonly StartupSample[], cache: StartupSample["cache"]): number {
  return samples.filter((s) => s.cache === cache).length;
}

export const startupSection: Section = {
  name: "startup",
  async run({ profile, report, fixtures }: SectionContext): Promise<void> {
    const samples = fixtures.startups;
    while (count(samples, "cold") < profile.startups) {
      await (await fixtures.startWeir(false)).child.stop();
    }
    while (count(samples, "warm") < profile.startups) {
      await (await fixtures.startWeir(true)).child.stop();
    }
    const noopSeconds: number[] = [];
    for (let i = 0; i < profile.startups; i++) noopSeconds.push(await fixtures.timeNoopStart());
    const noop = `${fmt(median(noopSeconds))} s (no-op)`;
    for (const cache of ["cold", "warm"] as const) {
      const chosen = samples.filter((s) => s.cache === cache);
      report.add({
        section: "start-up",
        measurement: `\`weir serve\` spawn to serving, ${cache} (${cache === "cold" ? "compiles every database" : "database cache filled"})`,
        weir: `${fmt(median(chosen.map((s) => s.seconds)))} s`,
        baseline: noop,
        notes:
          `median of ${chosen.length} starts; built-in set, paranoia 1; ` +
          `compile_seconds as logged ${fmt(median(chosen.map((s) => s.compileSeconds)))} s`,
      });
    }
  },
};
