/**
 * Runs Debian's sqlmap with a bounded budget and hands back what it printed, for the
 * end-to-end tests. A machine without sqlmap fails the tests with a pointer to the setup
 * script instead of skipping them: a skipped attack test reads as a passed one.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A browser's User-Agent, so that weir's SQLi signatures, not its scanner-UA one, must block. */
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/** Hard cap on one sqlmap run; the runs used here take a few seconds. */
const RUN_LIMIT_SECONDS = 90;

export interface SqlmapRun {
  /** stdout and stderr, interleaved as printed. */
  readonly output: string;
  readonly exitCode: number | null;
  readonly seconds: number;
}

/** Throws, with what to do about it, when the sqlmap executable is missing. */
export function requireSqlmap(): string {
  const probe = spawnSync("sqlmap", ["--version"], { encoding: "utf8", timeout: 30_000 });
  if (probe.error !== undefined || probe.status !== 0) {
    const why = probe.error?.message ?? `exit status ${String(probe.status)}: ${probe.stderr}`;
    throw new Error(
      `the end-to-end tests attack weir with sqlmap, which could not be run (${why}); ` +
        "install it with `bash scripts/setup.sh` (Debian package sqlmap)",
    );
  }
  return probe.stdout.split("\n")[0] ?? "";
}

/**
 * Runs sqlmap against `url` with the fast, deterministic options every run shares (boolean,
 * error and UNION techniques only, level 1, risk 1, no prompts, a fresh session in a private
 * directory) plus `extra`. Killed after RUN_LIMIT_SECONDS by coreutils' timeout, which also
 * bounds it should this process die first.
 */
export async function runSqlmap(url: string, extra: readonly string[]): Promise<SqlmapRun> {
  const home = mkdtempSync(join(tmpdir(), "weir-e2e-sqlmap-"));
  const args = [
    ...["-u", url, "--batch", "--flush-session", "--output-dir", join(home, "output")],
    ...["--level", "1", "--risk", "1", "--technique", "BEU", "--threads", "4"],
    ...["--timeout", "5", "--retries", "0", "--disable-coloring"],
    ...extra,
  ];
  const started = process.hrtime.bigint();
  try {
    const { output, exitCode } = await new Promise<{ output: string; exitCode: number | null }>(
      (resolve, reject) => {
        const child = spawn(
          "timeout",
          ["--kill-after=5", String(RUN_LIMIT_SECONDS), "sqlmap", ...args],
          { env: { ...process.env, HOME: home }, stdio: ["ignore", "pipe", "pipe"] },
        );
        let text = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
        });
        child.once("error", reject);
        child.once("close", (code) => resolve({ output: text, exitCode: code }));
      },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (exitCode === 124 || exitCode === 137) {
      throw new Error(`sqlmap ${args.join(" ")} ran over ${RUN_LIMIT_SECONDS} s:\n${output}`);
    }
    return { output, exitCode, seconds };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The lines a reader of the report looks at: findings, verdicts, warnings and errors. */
export function keyLines(output: string): string[] {
  const key =
    /injectable|is vulnerable|back-end DBMS|Parameter: |Type: |WAF|IPS|HTTP error codes|\d+ times|CRITICAL|ERROR/;
  return output.split("\n").filter((line) => key.test(line) && !line.includes("testing '"));
}

/** sqlmap's verdict that it found an injection point in `parameter`. */
export function reportsInjection(output: string, parameter: string, place: string): boolean {
  return (
    output.includes(`Parameter: ${parameter} (${place})`) &&
    output.includes(`${place} parameter '${parameter}' is vulnerable`)
  );
}

/** sqlmap's verdict that nothing it tested is injectable. */
export function reportsNothingInjectable(output: string): boolean {
  return (
    output.includes("all tested parameters do not appear to be injectable") &&
    !output.includes("identified the following injection point") &&
    !/parameter '[^']*' is vulnerable/.test(output)
  );
}
