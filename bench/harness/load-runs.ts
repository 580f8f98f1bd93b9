/**
 * Runs bench/load-client.ts (transpiled) as a child process against a server and collects
 * what it prints, sampling the server's CPU between the client's "measure-start" and
 * "measure-end" lines.
 */
import type { GrpcShape } from "./options.js";
import { pathOf } from "./paths.js";
import { cpuSecondsOf, startChild } from "./processes.js";

/** CPU seconds used so far by all of `pids` (a server's primary and workers). */
function cpuSecondsOfAll(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
}

export interface LoadResult {
  readonly exchanges: number;
  readonly blocked: number;
  readonly failed: number;
  readonly firstFailure?: string;
  readonly seconds: number;
  readonly rate: number;
  readonly msgP50: number;
  readonly msgP99: number;
  readonly exchangeP50: number;
  readonly exchangeP99: number;
  /** Client CPU in cores (1 = one core busy). */
  readonly clientCpu: number;
  /** Server CPU in cores during the measured window, and per completed exchange (us). */
  readonly serverCpu: number;
  readonly serverCpuUsPerExchange: number;
}

const TIMEOUT_MS = 120_000;

function clientScript(build: URL): string {
  return pathOf(new URL("bench/load-client.js", build));
}

export async function runLoad(
  build: URL,
  target: string,
  serverPids: readonly number[],
  shape: GrpcShape,
  concurrency: number,
  seconds: number,
  warmupSeconds: number,
  channels = 1,
): Promise<LoadResult> {
  const client = startChild(process.execPath, [
    clientScript(build),
    "load",
    "--target",
    target,
    "--concurrency",
    String(concurrency),
    "--seconds",
    String(seconds),
    "--warmup",
    String(warmupSeconds),
    "--chunks",
    String(shape.chunks),
    "--chunk-bytes",
    String(shape.chunkBytes),
    "--kind",
    shape.kind,
    "--channels",
    String(channels),
  ]);
  try {
    const lineIs = (event: string) => (line: string) =>
      line.includes(`"event":"${event}"`) ? line : undefined;
    await client.waitFor(lineIs("measure-start"), TIMEOUT_MS);
    const cpuStart = cpuSecondsOfAll(serverPids);
    await client.waitFor(lineIs("measure-end"), TIMEOUT_MS);
    const cpu = cpuSecondsOfAll(serverPids) - cpuStart;
    const line = await client.waitFor(lineIs("result"), TIMEOUT_MS);
    const result = JSON.parse(line) as Omit<LoadResult, "serverCpu" | "serverCpuUsPerExchange">;
    return {
      ...result,
      serverCpu: cpu / result.seconds,
      serverCpuUsPerExchange: result.exchanges > 0 ? (cpu * 1e6) / result.exchanges : Number.NaN,
    };
  } finally {
    await client.stop();
  }
}

export interface UploadResult {
  readonly outcome: string;
  readonly seconds: number;
  readonly mbps: number;
}

/** One upload of `bytes` in `chunkBytes` chunks, as one exchange; resolves when it is done. */
export async function runUpload(
  build: URL,
  target: string,
  bytes: number,
  chunkBytes: number,
): Promise<UploadResult> {
  const client = startChild(process.execPath, [
    clientScript(build),
    "upload",
    "--target",
    target,
    "--bytes",
    String(bytes),
    "--chunk-bytes",
    String(chunkBytes),
    "--kind",
    "raw",
  ]);
  try {
    const line = await client.waitFor(
      (l) => (l.includes('"event":"result"') ? l : undefined),
      600_000,
    );
    return JSON.parse(line) as UploadResult;
  } finally {
    await client.stop();
  }
}

/** Opens `streams` exchanges and holds them; call the returned release() to end them. */
export async function holdStreams(
  build: URL,
  target: string,
  streams: number,
): Promise<{ held: number; firstFailure?: string; release(): Promise<void> }> {
  const client = startChild(process.execPath, [
    clientScript(build),
    "hold",
    "--target",
    target,
    "--streams",
    String(streams),
    "--chunk-bytes",
    "1024",
    "--kind",
    "json",
  ]);
  try {
    const line = await client.waitFor(
      (l) => (l.includes('"event":"holding"') ? l : undefined),
      TIMEOUT_MS,
    );
    const holding = JSON.parse(line) as { streams: number; firstFailure?: string };
    return {
      held: holding.streams,
      ...(holding.firstFailure === undefined ? {} : { firstFailure: holding.firstFailure }),
      release: () => client.stop(),
    };
  } catch (error: unknown) {
    await client.stop();
    throw error;
  }
}
