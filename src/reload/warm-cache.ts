/**
 * Loads and compiles a reloaded signature set in a worker thread, into the database cache, so
 * that the serving thread only has to deserialise the databases. A reload then costs the
 * serving thread tens of milliseconds instead of the seconds that loading (every pattern is
 * checked by Hyperscan) and compiling take (the built-in set: about 3 s on a quiet machine, far
 * more on a busy one), during which every stream in flight would wait and Envoy's per-message
 * timeout (200 ms) would fail them.
 *
 * With the cache turned off (`cacheDir: off`) a private temporary directory stands in for the
 * reload and is removed afterwards. If the worker cannot run or fails, the caller loads and
 * compiles on the serving thread as before: slower, never wrong.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { LoadedSignatureSet } from "../cli/engine-wiring.js";
import type { CompileJob, CompileJobResult } from "./compile-worker.js";

export interface WarmedCache {
  /** The signature set as the worker loaded it. */
  readonly set: LoadedSignatureSet;
  /** The cache directory the serving thread compiles from. */
  readonly cacheDir: string;
  readonly cacheErrors: readonly string[];
  /** Removes a temporary cache (none when the configured one was used). */
  cleanup(): Promise<void>;
}

export type WarmCache = (
  dirs: readonly string[],
  paranoia: number,
  cacheDir: string | undefined,
) => Promise<WarmedCache>;

/** Loads and compiles in a worker thread into `cacheDir` (or a temporary one). */
export const warmDatabaseCache: WarmCache = async (dirs, paranoia, cacheDir) => {
  const temporary =
    cacheDir === undefined ? await mkdtemp(join(tmpdir(), "weir-reload-")) : undefined;
  const dir = cacheDir ?? temporary ?? "";
  const cleanup = async () => {
    if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
  };
  try {
    const result = await runJob({ dirs, paranoia, cacheDir: dir });
    if (!result.ok) throw new Error(`the compile worker failed: ${result.error}`);
    return { set: result.set, cacheDir: dir, cacheErrors: result.cacheErrors, cleanup };
  } catch (error: unknown) {
    await cleanup();
    throw error;
  }
};

function runJob(job: CompileJob): Promise<CompileJobResult> {
  const fromSources = import.meta.url.endsWith(".ts");
  const entry = new URL(`./compile-worker.${fromSources ? "ts" : "js"}`, import.meta.url);
  const worker = fromSources
    ? new Worker(new URL("./worker-bootstrap.mjs", import.meta.url), {
        workerData: { ...job, entry: entry.href },
      })
    : new Worker(entry, { workerData: job });
  return new Promise((resolve, reject) => {
    worker.once("message", (result: CompileJobResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the compile worker exited with code ${code}`)));
  });
}
