/**
 * The shared engine of t:compressWhitespace (each run of whitespace becomes one space) and
 * t:removeWhitespace (whitespace is dropped). Whitespace is ASCII space, tab, LF, VT, FF, CR and
 * the no-break space U+00A0 as UTF-8 (C2 A0), which MySQL and browsers treat as a separator in
 * places. The lone byte A0 is NOT whitespace: in UTF-8 text it is a continuation byte of another
 * character (ModSecurity's isspace-or-0xA0 test corrupts such characters). The only carry is a
 * C2 byte at the end of a push whose meaning depends on the next byte.
 */
import { OutputBatch } from "../output-batch.js";
import type { Transform } from "../types.js";

const NBSP_LEAD = 0xc2;
const NBSP_TRAIL = 0xa0;

function isAsciiWhitespace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** `compress`: a run becomes one space; otherwise whitespace is removed. */
export function whitespaceFold(compress: boolean): Transform {
  const out = new OutputBatch();
  let inRun = false;
  let pendingLead = false;

  const whitespace = (emit: (bytes: Uint8Array) => void): void => {
    if (compress && !inRun) out.byte(0x20, emit);
    inRun = true;
  };

  return {
    push(input, emit) {
      const n = input.length;
      let i = 0;
      if (pendingLead && n > 0) {
        pendingLead = false;
        if (input[0] === NBSP_TRAIL) {
          whitespace(emit);
          i = 1;
        } else {
          out.byte(NBSP_LEAD, emit);
          inRun = false;
        }
      }
      let runStart = i;
      for (; i < n; i++) {
        const b = input[i] as number;
        if (isAsciiWhitespace(b)) {
          out.run(input, runStart, i, emit);
          whitespace(emit);
          runStart = i + 1;
        } else if (b === NBSP_LEAD) {
          if (i + 1 === n) {
            out.run(input, runStart, i, emit);
            pendingLead = true;
            runStart = n;
          } else if (input[i + 1] === NBSP_TRAIL) {
            out.run(input, runStart, i, emit);
            whitespace(emit);
            i++;
            runStart = i + 1;
          } else {
            inRun = false;
          }
        } else {
          inRun = false;
        }
      }
      out.run(input, runStart, n, emit);
      out.flush(emit);
    },
    flush(emit) {
      if (pendingLead) out.byte(NBSP_LEAD, emit);
      pendingLead = false;
      inRun = false;
      out.flush(emit);
    },
  };
}
