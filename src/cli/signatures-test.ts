/**
 * `weir signatures test`: load a signature directory, print the load report (loaded, skipped
 * with a reason, failed with an error, per id), then run every signature's positive and
 * negative samples through the compiled engine. The command a signature author runs after
 * each edit, and the one CI runs on the built-in set.
 */
import type { Environment } from "../config/setting.js";
import {
  resolveSignaturesTestConfig,
  SIGNATURES_TEST_SETTINGS,
  type SignaturesTestConfig,
} from "../config/tool-config.js";
import type { SampleRunResult } from "../signatures/sample-test.js";
import { parseArgs } from "./args.js";
import type { CliIo, CommandSpec, Parsed } from "./command-spec.js";
import { type LoadedSignatureSet, loadSignatureSet, runSignatureSamples } from "./engine-wiring.js";

export const SIGNATURES_TEST_COMMAND: CommandSpec = {
  name: "signatures test",
  summary: "Run every signature's samples and print the load report.",
  description: [
    "Loads every signature whatever its paranoia level. Each signature carries samples that " +
      "must match and samples that must not. A failed sample, or a signature that failed to " +
      "load, fails the command.",
  ],
  settings: SIGNATURES_TEST_SETTINGS,
  switches: [{ flag: "json", help: "print one JSON object instead of text" }],
  positionals: [],
  exitStatus: [
    "0  no signature failed to load and every sample passed",
    "1  a signature failed to load, or a sample failed",
    "2  bad flag or setting",
  ],
  examples: ["weir signatures test", "weir signatures test --signatures ./my-signatures --json"],
};

export function parseSignaturesTestArgs(
  argv: readonly string[],
  env: Environment,
): Parsed<SignaturesTestConfig> {
  const args = parseArgs(SIGNATURES_TEST_COMMAND, argv);
  if (args.help) return { help: true };
  return {
    help: false,
    config: resolveSignaturesTestConfig(args.switches.has("json"), args.flags, env),
  };
}

export async function runSignaturesTest(config: SignaturesTestConfig, io: CliIo): Promise<number> {
  const set = await loadSignatureSet(config.signaturesDir);
  const results = await runSignatureSamples(set);
  if (config.json) io.out(`${JSON.stringify(reportJson(set, results))}\n`);
  else {
    const { formatLoadReport } = await import("../signatures/load-report.js");
    const { formatSampleResults } = await import("../signatures/sample-test.js");
    io.out(formatLoadReport(set.report));
    io.out(formatSampleResults(results));
  }
  return set.counts.failed === 0 && results.failures.length === 0 ? 0 : 1;
}

/** Machine-readable report: counts, every problem, every sample failure. */
export function reportJson(set: LoadedSignatureSet, results: SampleRunResult): object {
  return {
    signatures: set.counts,
    signature_set_hash: set.report.hash,
    problems: set.problems,
    samples: { passed: results.passed, failed: results.failures.length },
    sample_failures: results.failures.map((f) => ({
      signature_id: f.id,
      kind: f.kind,
      message: f.message,
    })),
  };
}
