/** t:removeWhitespace: every whitespace byte is dropped (see whitespace-fold.ts). */
import type { Transform } from "../types.js";
import { whitespaceFold } from "./whitespace-fold.js";

export function removeWhitespace(): Transform {
  return whitespaceFold(false);
}
