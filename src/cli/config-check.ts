/**
 * `weir config check FILE`: judges a configuration file as `weir serve` would at start, without
 * serving: YAML, schema, the checks beyond the schema, the paths and certificates it names, and
 * the signature directories it loads (with the ids its exclusions name). Every problem is
 * printed, not just the first, each with file, line, column and path; a file serve would accept
 * gets a short summary. Flags and WEIR_* variables are not applied: the file is judged alone.
 */
import { formatProblem } from "../config/file/problems.js";
import { loadFileConfig } from "../config/load-serve-config.js";
import type { ServeConfig } from "../config/serve-config.js";
import type { Environment } from "../config/setting.js";
import { checkInputs } from "../reload/runtime-builder.js";
import { parseArgs } from "./args.js";
import type { CliIo, CommandSpec, Parsed } from "./command-spec.js";
import { loadSignatureSet } from "./engine-wiring.js";

export interface ConfigCheckConfig {
  readonly file: string;
}

export const CONFIG_CHECK_COMMAND: CommandSpec = {
  name: "config check",
  summary: "Check a configuration file as weir serve would load it.",
  description: [
    "Reads FILE and reports every problem with its file, line, column and key path: YAML " +
      "syntax, values the schema (schema/weir-config.schema.json) refuses, route names used " +
      "twice, routes an earlier one hides, directories and certificates that cannot be read, " +
      "and signature ids the exclusions name that the signature set does not hold. The " +
      "signature directories the file names are loaded and their problems reported too. " +
      "Flags and WEIR_* variables are not applied.",
  ],
  settings: [],
  switches: [],
  positionals: [{ name: "FILE", help: "the YAML configuration file" }],
  exitStatus: [
    "0  the file is valid",
    "1  the file has problems (all are listed)",
    "2  bad command line",
  ],
  examples: ["weir config check /etc/weir/weir.yaml", "weir config check deploy/config/weir.yaml"],
};

export function parseConfigCheckArgs(
  argv: readonly string[],
  _env: Environment,
): Parsed<ConfigCheckConfig> {
  const args = parseArgs(CONFIG_CHECK_COMMAND, argv);
  if (args.help) return { help: true };
  return { help: false, config: { file: args.positionals[0] ?? "" } };
}

export async function runConfigCheck(
  options: ConfigCheckConfig,
  io: CliIo,
  load: typeof loadSignatureSet = loadSignatureSet,
): Promise<number> {
  const loaded = await loadFileConfig(options.file);
  if (!loaded.ok) return failed(io, loaded.problems.map(formatProblem));
  const inputs = await checkInputs(loaded, load);
  if (!inputs.ok) return failed(io, inputs.errors);
  const { config } = loaded;
  const { counts, problems } = inputs.set;
  const lines = [
    `${loaded.file?.shown ?? options.file}: valid`,
    `  mode: ${config.mode}, paranoia ${config.paranoia}, thresholds ${config.threshold} inbound / ${config.responseThreshold} outbound`,
    `  signatures: ${inputs.signatures} (${counts.loaded} loaded, ${counts.skipped} skipped, ${counts.failed} failed)`,
    `  routes: ${routesLine(config)}`,
    `  tls: ${config.tls === undefined ? "off" : config.tls.requireClientCert ? "on, client certificate required" : "on"}`,
  ];
  const failures = problems.filter((p) => p.state === "failed");
  if (failures.length > 0) {
    lines.push(`warnings: ${failures.length} signature(s) failed and will not be served:`);
    for (const p of failures) lines.push(`  ${p.reason}`);
  }
  io.out(`${lines.join("\n")}\n`);
  return 0;
}

function routesLine(config: ServeConfig): string {
  const names = config.policies.routes.map((r) => r.policy.name);
  return names.length === 0 ? "default only" : `${names.join(", ")}, then default`;
}

function failed(io: CliIo, errors: readonly string[]): number {
  io.err(`${errors.map((e) => `${e}\n`).join("")}${errors.length} problem(s) found\n`);
  return 1;
}
