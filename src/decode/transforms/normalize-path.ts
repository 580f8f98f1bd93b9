/** t:normalizePath: slashes and dot segments folded (see path-fold.ts). */
import type { Transform } from "../types.js";
import { pathFold } from "./path-fold.js";

export function normalizePath(): Transform {
  return pathFold(false);
}
