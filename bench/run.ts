/**
 * `npm run bench [-- --quick] [-- --only body,grpc]`: runs the benchmark sections in order,
 * each printing progress to stderr, then prints ONE markdown table and writes it to
 * bench/results/latest.md. Figures are ratios against baselines measured in the same run
 * (the machine is shared and noisy); nothing here is a pass/fail test. A new measurement is a
 * new file in sections/ plus one line here.
 */
import { Fixtures } from "./harness/fixtures.js";
import { parseOptions, type SectionName } from "./harness/options.js";
import { RESULTS } from "./harness/paths.js";
import { stopAllChildren } from "./harness/processes.js";
import { Report } from "./harness/report.js";
import { bodyScanSection } from "./sections/body-scan.js";
import { grpcSection } from "./sections/grpc-throughput.js";
import { memorySection } from "./sections/memory.js";
import { modsecSection } from "./sections/modsec.js";
import type { Section } from "./sections/section.js";
import { signaturesSection } from "./sections/signatures.js";
import { startupSection } from "./sections/startup.js";
import { streamMemorySection } from "./sections/stream-memory.js";
import { scalingSection } from "./sections/worker-scaling.js";

const SECTIONS: Readonly<Record<SectionName, Section>> = {
  signatures: signaturesSection,
  body: bodyScanSection,
  memory: memorySection,
  streams: streamMemorySection,
  grpc: grpcSection,
  scaling: scalingSection,
  modsec: modsecSection,
  startup: startupSection,
};

function message(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error: unknown) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const started = performance.now();
  const report = new Report(options.profile.name);
  const fixtures = new Fixtures();
  try {
    for (const [name, section] of Object.entries(SECTIONS)) {
      if (!options.sections.has(name as SectionName)) continue;
      process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${name}\n`);
      try {
        await section.run({ profile: options.profile, report, fixtures });
      } catch (error: unknown) {
        report.problem(`${name}: ${message(error)}`);
      }
    }
  } finally {
    await fixtures.close();
  }
  const text = report.write(new URL("latest.md", RESULTS), (performance.now() - started) / 1000);
  process.stdout.write(`\n${text}`);
  return report.problems.length > 0 ? 1 : 0;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopAllChildren();
    process.exit(130);
  });
}
process.exitCode = await main().finally(stopAllChildren);
