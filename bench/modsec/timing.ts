/**
 * Time per request on each side, measured the same way: every request is run `repeats` times
 * after one untimed run (weir: after a one-second warm-up over the set too), and the median of
 * its runs is kept. The peer times itself (its `ns`:
 * creating the transaction to the end of the request-body phase, destruction included, in one
 * thread); weir's engine is timed here around the same span: open the exchange inspector,
 * inspect the headers, the body (in 16 KiB chunks, as Envoy streams it) and close. Both are
 * single-threaded and CPU-bound, so wall time per request is their CPU per request.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import type { CompiledEngine } from "../../src/inspect/engine.js";
import { isPending } from "../../src/inspect/types.js";
import { median } from "../harness/stats.js";
import type { ModsecPeer } from "./peer.js";
import type { WeirRequest } from "./requests.js";

const CHUNK = 16 * 1024;
/** The peer runs each request once untimed; weir's JIT needs more than that to settle. */
const WARM_UP_SECONDS = 1;

async function inspectOnce(engine: CompiledEngine, request: WeirRequest): Promise<void> {
  const exchange = engine.openExchange();
  try {
    const body = request.body;
    exchange.request.headers(request.headers, body.length === 0);
    for (let off = 0; off < body.length; off += CHUNK) {
      const end = Math.min(off + CHUNK, body.length);
      const found = exchange.request.body(body.subarray(off, end), end === body.length);
      if (isPending(found)) await found;
    }
  } finally {
    exchange.close();
  }
}

/** Runs through `requests` until `seconds` passed (at least once), so the JIT has warmed up. */
async function warmUp(
  engine: CompiledEngine,
  requests: readonly WeirRequest[],
  seconds: number,
): Promise<void> {
  const until = performance.now() + seconds * 1000;
  do {
    for (const request of requests) await inspectOnce(engine, request);
  } while (performance.now() < until);
}

/** Median microseconds per request, one value per request, in order (after a warm-up). */
export async function weirMicros(
  engine: CompiledEngine,
  requests: readonly WeirRequest[],
  repeats: number,
): Promise<number[]> {
  await warmUp(engine, requests, WARM_UP_SECONDS);
  const out: number[] = [];
  for (const request of requests) {
    await inspectOnce(engine, request);
    const runs: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const started = process.hrtime.bigint();
      await inspectOnce(engine, request);
      runs.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    out.push(median(runs));
  }
  return out;
}

/** The peer's median microseconds per request of a JSON-lines file, in order. */
export async function peerMicros(
  peer: ModsecPeer,
  jsonLines: string,
  repeats: number,
): Promise<number[]> {
  const input = openSync(jsonLines, "r");
  const args = [...peer.args, "--repeat", String(repeats), "--warmup", "1"];
  const child = spawn(peer.binary, args, { stdio: [input, "pipe", "pipe"] });
  closeSync(input);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new Error(`modsec-peer exited with ${code}: ${stderr.trim()}`);
  return stdout
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const result = JSON.parse(line) as { ns?: number; error?: string };
      if (result.error !== undefined || result.ns === undefined) {
        throw new Error(`modsec-peer: ${result.error ?? "no timing"} in ${line.slice(0, 200)}`);
      }
      return result.ns / 1000;
    });
}
