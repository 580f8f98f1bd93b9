/**
 * Finds and runs Prometheus' own tools for the deploy tests: promtool (check config, check
 * rules, test rules, check metrics) and the prometheus server binary. Both come from Debian's
 * `prometheus` package, which scripts/setup.sh installs; a missing one fails the test with
 * that instruction rather than skipping it.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const PROMETHEUS_DIR = join(ROOT, "deploy/prometheus");

const INSTALL_HINT = "install prometheus (scripts/setup.sh)";

/** Absolute path of `name` on PATH (or in /usr/bin, where Debian puts it). */
export function prometheusTool(name: "promtool" | "prometheus"): string {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin"].filter((d) => d !== "");
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here; try the next directory.
    }
  }
  throw new Error(`${name} not found on PATH or in /usr/bin: ${INSTALL_HINT}`);
}

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The command line, for failure messages. */
  readonly command: string;
}

/** Runs promtool with `args` (from `cwd`), feeding `input` on stdin when given. */
export function promtool(
  args: readonly string[],
  options: { cwd?: string; input?: string } = {},
): ToolRun {
  const result = spawnSync(prometheusTool("promtool"), args, {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? "",
    encoding: "utf8",
    timeout: 30_000,
  });
  if (result.error !== undefined) throw result.error;
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    command: `promtool ${args.join(" ")}`,
  };
}

/** What a failed run printed, for an assertion message. */
export function explain(run: ToolRun): string {
  return `${run.command} exited ${String(run.status)}\n${run.stdout}${run.stderr}`;
}
