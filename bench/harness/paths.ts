/** Where the benchmarks find the checkout and keep their generated files (bench/.cache/). */
import { fileURLToPath } from "node:url";

export const REPO = new URL("../../", import.meta.url);
export const CACHE = new URL("bench/.cache/", REPO);
/** Transpiled src/ and bench/, so child processes run plain JavaScript, as `dist/` would. */
export const BUILD = new URL("build/", CACHE);
export const DATA = new URL("data/", CACHE);
export const RESULTS = new URL("bench/results/", REPO);

export function pathOf(url: URL): string {
  return fileURLToPath(url);
}
