/**
 * The built-in signature set (signatures/*.yaml) loaded and compiled the way `weir serve`
 * does it (loadSignatures, then compileEngine at a paranoia level), for the sections that
 * measure in-process.
 */
import { fileURLToPath } from "node:url";
import { type CompiledEngine, compileEngine } from "../../src/inspect/engine.js";
import { type LoadResult, loadSignatures } from "../../src/signatures/load.js";
import { REPO } from "./paths.js";

export const BUILTIN_SIGNATURES = fileURLToPath(new URL("signatures/", REPO));
/** `weir serve`'s default paranoia level. */
export const DEFAULT_PARANOIA = 1;

export async function loadBuiltin(): Promise<LoadResult> {
  return await loadSignatures(BUILTIN_SIGNATURES);
}

export function compileBuiltin(loaded: LoadResult, paranoia: number): CompiledEngine {
  return compileEngine(loaded.signatures, { paranoia, hash: loaded.report.hash });
}
