/** t:normalizePathWin: as t:normalizePath, with `\` read as `/` first (see path-fold.ts). */
import type { Transform } from "../types.js";
import { pathFold } from "./path-fold.js";

export function normalizePathWin(): Transform {
  return pathFold(true);
}
