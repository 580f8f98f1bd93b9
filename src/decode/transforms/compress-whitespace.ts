/** t:compressWhitespace: each run of whitespace becomes one space (see whitespace-fold.ts). */
import type { Transform } from "../types.js";
import { whitespaceFold } from "./whitespace-fold.js";

export function compressWhitespace(): Transform {
  return whitespaceFold(true);
}
