/**
 * Starts `weir serve --workers N` (src/cli/main.ts under tsx) as a child process on loopback
 * ephemeral ports, under coreutils' timeout so it never outlives the test run, and collects its
 * JSON log lines (the primary's and its workers', which share stdout).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stopChild } from "../support/stop-child.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = `${ROOT}src/cli/main.ts`;
const TSX = import.meta.resolve("tsx");
const LIFETIME_SECONDS = 300;
const STOP_TIMEOUT_MS = 20_000;

export type LogLine = Record<string, unknown>;

export interface WeirCluster {
  readonly child: ChildProcess;
  readonly lines: readonly LogLine[];
  /** Resolves with the first line (past or future) whose msg is `msg` and that `where` accepts. */
  line(msg: string, timeoutMs: number, where?: (line: LogLine) => boolean): Promise<LogLine>;
  /** Resolves with the exit status. */
  readonly exited: Promise<number | null>;
  stderr(): string;
  stop(): Promise<void>;
}

export function startWeirCluster(args: readonly string[]): WeirCluster {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("WEIR_")),
  );
  const child = spawn(
    "timeout",
    [String(LIFETIME_SECONDS), process.execPath, "--import", TSX, MAIN, "serve", ...args],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      lines.push({ msg: "(not JSON)", text });
    }
    for (const wake of [...waiters]) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  void exited.then(() => {
    for (const wake of [...waiters]) wake();
  });
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
    stop: () => stopChild(child, exited, STOP_TIMEOUT_MS),
    line(msg, timeoutMs, where = () => true) {
      return new Promise<LogLine>((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => l.msg === msg && where(l));
          if (found !== undefined) {
            finish();
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`weir exited before logging "${msg}"; stderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`weir did not log "${msg}" within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Value of an exposition line `name{labels} value` (or `name value`); undefined if absent. */
export function sample(exposition: string, series: string): number | undefined {
  for (const line of exposition.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
