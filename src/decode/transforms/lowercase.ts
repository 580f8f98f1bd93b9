/**
 * t:lowercase: ASCII A-Z to a-z, every other byte unchanged. Bytes of 0x80 and above are never
 * touched: they belong to UTF-8 sequences, and folding them could turn a CJK character into an
 * ASCII metacharacter (shared case 23). Stateless, so nothing is carried between pushes.
 */
import { OutputBatch } from "../output-batch.js";
import type { Transform } from "../types.js";

export function lowercase(): Transform {
  const out = new OutputBatch();
  return {
    push(input, emit) {
      const n = input.length;
      let runStart = 0;
      for (let i = 0; i < n; i++) {
        const b = input[i] as number;
        if (b >= 0x41 && b <= 0x5a) {
          out.run(input, runStart, i, emit);
          out.byte(b | 0x20, emit);
          runStart = i + 1;
        }
      }
      out.run(input, runStart, n, emit);
      out.flush(emit);
    },
    flush(emit) {
      out.flush(emit);
    },
  };
}
