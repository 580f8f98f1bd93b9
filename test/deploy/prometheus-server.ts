/**
 * A real Prometheus server (Debian's /usr/bin/prometheus) for the live dashboard test: given
 * a config, it runs on 127.0.0.1 with a throwaway storage directory, and answers instant
 * queries through its HTTP API. It runs under coreutils' timeout, so it cannot outlive a
 * crashed test run, and is stopped by its own process id.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopChild } from "../support/stop-child.js";
import { prometheusTool } from "./prometheus-tools.js";

const LOOPBACK = "127.0.0.1";
const LIFETIME_SECONDS = 300;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const POLL_MS = 200;

export type Sample = { readonly metric: Record<string, string>; readonly value: [number, string] };

export interface QueryResult {
  readonly resultType: "vector" | "matrix" | "scalar" | "string";
  /** For a vector: one sample per series. A scalar comes back as one unlabelled sample. */
  readonly samples: readonly Sample[];
}

export interface RunningPrometheus {
  readonly url: string;
  /** Evaluates `expr` now; throws with Prometheus' error text when it is refused. */
  query(expr: string): Promise<QueryResult>;
  /** GET an API path (e.g. /api/v1/rules) and return its `data`. */
  api(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

/** A port the system has just handed out on loopback (free a moment ago). */
async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(configText: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "weir-prometheus-"));
  const configPath = join(dir, "prometheus.yml");
  writeFileSync(configPath, configText);
  const port = await freePort();
  const url = `http://${LOOPBACK}:${port}`;
  const child = spawn(
    "timeout",
    [
      String(LIFETIME_SECONDS),
      prometheusTool("prometheus"),
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=${LOOPBACK}:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-8192);
  };
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stop = async () => {
    await stopChild(child, exited, STOP_TIMEOUT_MS);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, exited, () => output);
  } catch (error: unknown) {
    await stop();
    throw error;
  }
  const api = async (path: string): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; data?: unknown; error?: string };
    if (body.status !== "success") {
      throw new Error(`Prometheus refused ${path}: ${body.error ?? response.status}`);
    }
    return body.data;
  };
  const query = async (expr: string): Promise<QueryResult> => {
    const data = (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
      resultType: QueryResult["resultType"];
      result: unknown;
    };
    const samples =
      data.resultType === "scalar"
        ? [{ metric: {}, value: data.result as [number, string] }]
        : (data.result as Sample[]);
    return { resultType: data.resultType, samples };
  };
  return { url, query, api, stop };
}

async function waitReady(
  url: string,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  let code: number | null | undefined;
  void exited.then((c) => {
    code = c;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (code !== undefined) {
      throw new Error(`prometheus exited with ${String(code)} before ready:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`prometheus at ${url} not ready within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}
