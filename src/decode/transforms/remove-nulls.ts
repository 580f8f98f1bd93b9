/**
 * t:removeNulls: drops every NUL byte. Used where an application treats values as C strings; the
 * value without this transform still holds the NUL, so nothing after it is hidden (shared case 30).
 */
import { OutputBatch } from "../output-batch.js";
import type { Transform } from "../types.js";

export function removeNulls(): Transform {
  const out = new OutputBatch();
  return {
    push(input, emit) {
      let runStart = 0;
      let nul = input.indexOf(0);
      while (nul >= 0) {
        out.run(input, runStart, nul, emit);
        runStart = nul + 1;
        nul = input.indexOf(0, runStart);
      }
      out.run(input, runStart, input.length, emit);
      out.flush(emit);
    },
    flush(emit) {
      out.flush(emit);
    },
  };
}
