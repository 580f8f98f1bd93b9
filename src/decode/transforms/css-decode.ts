/**
 * t:cssDecode: decodes CSS escapes (CSS Syntax Level 3, section 4.3.7) so that
 * `\6a avascript:`, `ja\vascript` and `\000065xpression(` read as `javascript:` and
 * `expression(`:
 * - a backslash and 1-6 hex digits is that code point, and one whitespace after the digits
 *   (space, tab, LF, FF, or CR with an optional LF) belongs to the escape and disappears;
 *   zero, a surrogate or a value past U+10FFFF becomes U+FFFD;
 * - a backslash before a line break (LF, FF, CR, CRLF) is a line continuation and disappears;
 * - a backslash before any other byte is that byte; a backslash at the very end disappears.
 * The code point is written as UTF-8. ModSecurity keeps only its low byte ("uses up to two
 * bytes"), which turns CJK text into ASCII metacharacters (shared case 23); weir decodes what
 * a browser decodes. Carry between pushes: the escape read so far (at most 6 hex digits) and
 * whether a whitespace byte may still be swallowed.
 */
import { OutputBatch } from "../output-batch.js";
import type { Transform } from "../types.js";
import { hexValue, scalarOrReplacement } from "../unicode.js";

const TEXT = 0;
const ESCAPE = 1; // after "\"
const HEX = 2; // "\" and 1-5 hex digits
const AFTER_HEX = 3; // a complete hex escape: one whitespace may follow
const AFTER_CR = 4; // a CR was swallowed (after a hex escape, or as a continuation): LF may follow

const BACKSLASH = 0x5c;
const MAX_DIGITS = 6;

function isEscapeWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0c;
}

export function cssDecode(): Transform {
  const out = new OutputBatch();
  let state = TEXT;
  let value = 0;
  let digits = 0;

  return {
    push(input, emit) {
      const n = input.length;
      let i = 0;
      while (i < n) {
        if (state === TEXT) {
          const j = input.indexOf(BACKSLASH, i);
          if (j < 0) {
            out.run(input, i, n, emit);
            break;
          }
          out.run(input, i, j, emit);
          state = ESCAPE;
          i = j + 1;
          continue;
        }
        const b = input[i] as number;
        if (state === ESCAPE) {
          i++;
          const h = hexValue(b);
          if (h >= 0) {
            value = h;
            digits = 1;
            state = HEX;
          } else if (b === 0x0d) {
            state = AFTER_CR;
          } else if (b === 0x0a || b === 0x0c) {
            state = TEXT;
          } else {
            out.byte(b, emit);
            state = TEXT;
          }
          continue;
        }
        if (state === HEX) {
          const h = hexValue(b);
          if (h >= 0 && digits < MAX_DIGITS) {
            value = value * 16 + h;
            digits++;
            i++;
            continue;
          }
          out.codePoint(scalarOrReplacement(value), emit);
          state = AFTER_HEX;
          continue;
        }
        if (state === AFTER_HEX) {
          state = TEXT;
          if (b === 0x0d) {
            state = AFTER_CR;
            i++;
          } else if (isEscapeWhitespace(b)) {
            i++;
          }
          continue;
        }
        // AFTER_CR
        state = TEXT;
        if (b === 0x0a) i++;
      }
      out.flush(emit);
    },
    flush(emit) {
      if (state === HEX) out.codePoint(scalarOrReplacement(value), emit);
      state = TEXT;
      out.flush(emit);
    },
  };
}
