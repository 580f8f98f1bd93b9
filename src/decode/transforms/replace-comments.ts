/**
 * t:replaceComments: each C-style comment `/* ... *\/` becomes one space, so `UNION/**\/SELECT`
 * reads as `UNION SELECT`. An unterminated comment runs to the end of the value and is replaced
 * too. `/*\/` does not close itself (the `*` that opens cannot also close). Carry between pushes:
 * a `/` that may open a comment, or a `*` inside a comment that may close it.
 */
import { OutputBatch } from "../output-batch.js";
import type { Transform } from "../types.js";

const TEXT = 0;
const SLASH = 1; // text ended with "/"
const COMMENT = 2;
const STAR = 3; // comment ended with "*"

const SLASH_BYTE = 0x2f;
const STAR_BYTE = 0x2a;

export function replaceComments(): Transform {
  const out = new OutputBatch();
  let state = TEXT;

  return {
    push(input, emit) {
      const n = input.length;
      let i = 0;
      while (i < n) {
        const b = input[i] as number;
        if (state === SLASH) {
          if (b === STAR_BYTE) {
            out.byte(0x20, emit);
            state = COMMENT;
            i++;
          } else {
            out.byte(SLASH_BYTE, emit);
            state = TEXT;
          }
          continue;
        }
        if (state === STAR) {
          state = b === SLASH_BYTE ? TEXT : b === STAR_BYTE ? STAR : COMMENT;
          i++;
          continue;
        }
        if (state === COMMENT) {
          const star = input.indexOf(STAR_BYTE, i);
          if (star < 0) break;
          state = STAR;
          i = star + 1;
          continue;
        }
        // TEXT: copy up to the next "/*"
        let j = input.indexOf(SLASH_BYTE, i);
        while (j >= 0 && j + 1 < n && input[j + 1] !== STAR_BYTE) {
          j = input.indexOf(SLASH_BYTE, j + 1);
        }
        if (j < 0) {
          out.run(input, i, n, emit);
          break;
        }
        out.run(input, i, j, emit);
        if (j + 1 === n) {
          state = SLASH;
          break;
        }
        out.byte(0x20, emit);
        state = COMMENT;
        i = j + 2;
      }
      out.flush(emit);
    },
    flush(emit) {
      if (state === SLASH) out.byte(SLASH_BYTE, emit);
      state = TEXT;
      out.flush(emit);
    },
  };
}
