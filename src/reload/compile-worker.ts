/**
 * Worker-thread entry for a reload: loads the signature directories (parsing and checking
 * every pattern) and compiles the set into the database cache, then hands the loaded set back.
 * The serving thread then "compiles" the same set from the cache, which only deserialises
 * (milliseconds). Loading and compiling take seconds and would otherwise hold the serving
 * thread's event loop, stalling every stream in flight past Envoy's message timeout. See
 * warm-cache.ts.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type LoadedSignatureSet, loadSignatureSet } from "../cli/engine-wiring.js";
import { closeCompiled, compileSignatures } from "../signatures/compile.js";
import { directoryCache } from "../signatures/database-cache.js";
import { loadSignatureDirs } from "./signature-dirs.js";

export interface CompileJob {
  readonly dirs: readonly string[];
  readonly paranoia: number;
  readonly cacheDir: string;
}

export type CompileJobResult =
  | { readonly ok: true; readonly set: LoadedSignatureSet; readonly cacheErrors: readonly string[] }
  | { readonly ok: false; readonly error: string };

async function run(job: CompileJob): Promise<CompileJobResult> {
  const cacheErrors: string[] = [];
  const cache = directoryCache(job.cacheDir, (what, error) => {
    cacheErrors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    const set = await loadSignatureDirs(job.dirs, job.paranoia, loadSignatureSet);
    if (set.unusable === undefined) {
      closeCompiled(compileSignatures(set.signatures, { paranoia: job.paranoia, cache }));
    }
    return { ok: true, set, cacheErrors };
  } catch (error: unknown) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.postMessage(await run(workerData as CompileJob));
