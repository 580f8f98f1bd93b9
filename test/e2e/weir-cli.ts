/**
 * Starts the real `weir` executable (src/cli/main.ts under tsx, as test/cli/bin.test.ts does)
 * as child processes for the end-to-end tests: `weir serve` and `weir proxy`, each on a port
 * the system picks (HOST:0), learnt from the JSON line the command logs once it listens.
 * Every child runs under coreutils' timeout, so none outlives a crashed test run.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stopChild } from "../support/stop-child.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = `${ROOT}src/cli/main.ts`;
const TSX = import.meta.resolve("tsx");
/** Upper bound on a child's life, whatever happens to this process. */
const LIFETIME_SECONDS = 600;
/** Compiling the signature set takes tens of seconds on a busy 2-core machine. */
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;

type LogLine = Record<string, unknown>;

export interface WeirProcess {
  /** Every JSON line printed so far (logs and security events). */
  readonly lines: readonly LogLine[];
  /** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
  stop(): Promise<void>;
}

export interface WeirServe extends WeirProcess {
  /** HOST:PORT of the ext_proc gRPC server. */
  readonly grpc: string;
  /** Base URL of the metrics listener (/metrics, /healthz, /readyz). */
  readonly metricsUrl: string;
}

export interface WeirProxy extends WeirProcess {
  /** Base URL of the proxy, e.g. http://127.0.0.1:41234. */
  readonly url: string;
}

export async function startWeirServe(mode: "detect" | "enforce"): Promise<WeirServe> {
  const { process: proc, ready } = await spawnWeir(
    [
      ...["serve", "--mode", mode, "--grpc-listen", "127.0.0.1:0"],
      ...["--metrics-listen", "127.0.0.1:0", "--drain-timeout", "2"],
    ],
    "weir serving",
  );
  return {
    ...proc,
    grpc: stringField(ready, "grpc_listen"),
    metricsUrl: `http://${stringField(ready, "metrics_listen")}`,
  };
}

export async function startWeirProxy(upstreamPort: number, grpc: string): Promise<WeirProxy> {
  const { process: proc, ready } = await spawnWeir(
    [
      ...["proxy", "--listen", "127.0.0.1:0"],
      ...["--upstream", `http://127.0.0.1:${upstreamPort}`, "--weir", grpc],
    ],
    "weir proxy listening",
  );
  return { ...proc, url: `http://${stringField(ready, "listen")}` };
}

function stringField(line: LogLine, key: string): string {
  const value = line[key];
  if (typeof value !== "string") {
    throw new Error(`weir's "${String(line.msg)}" line has no ${key}: ${JSON.stringify(line)}`);
  }
  return value;
}

/** Spawns `weir <args>` and resolves with the first line whose msg is `readyMsg`. */
async function spawnWeir(
  args: readonly string[],
  readyMsg: string,
): Promise<{ process: WeirProcess; ready: LogLine }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("WEIR_")),
  );
  const child = spawn(
    "timeout",
    [String(LIFETIME_SECONDS), process.execPath, "--import", TSX, MAIN, ...args],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: LogLine[] = [];
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const what = `weir ${args.join(" ")}`;
  const ready = await new Promise<LogLine>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${what} did not log "${readyMsg}" within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on("line", (text) => {
      const line = parseLine(text);
      lines.push(line);
      if (line.msg === readyMsg) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${String(code)} before "${readyMsg}":\n${stderr}`));
    });
  }).catch(async (error: unknown) => {
    await stopChild(child, exited, STOP_TIMEOUT_MS);
    throw error;
  });
  return { process: { lines, stop: () => stopChild(child, exited, STOP_TIMEOUT_MS) }, ready };
}

function parseLine(text: string): LogLine {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null) return value as LogLine;
  } catch {
    // Not JSON: kept as text below.
  }
  return { msg: "(not JSON)", text };
}
