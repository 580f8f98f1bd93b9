/**
 * t:jsDecode: decodes JavaScript string escapes the way a JavaScript engine reads a string
 * literal, so `\x3cscript\x3e`, `\u0061lert` and `\141lert` read as `<script>` and `alert`:
 * - `\xHH` and `\uHHHH` (surrogate pairs joined, a lone surrogate becomes U+FFFD), and the ES2015
 *   form `\u{H...}` (up to 16 digits, at most U+10FFFF);
 * - octal `\0`-`\377` (1-3 digits; `\666` is `\66` then `6`, as in sloppy-mode JavaScript);
 * - `\b \f \n \r \t \v` and a backslash before a line break (LF, CR, CRLF) as a line
 *   continuation, which disappears; any other escaped character is that character.
 * Every escape becomes the UTF-8 of its code point. Where ModSecurity keeps only the low byte
 * of `\uHHHH` (turning CJK text into ASCII metacharacters, the flaw of shared case 23) or maps
 * full-width forms to ASCII, weir does what the JavaScript engine does. Also as ModSecurity: an
 * incomplete escape (`\x4g`, `\u12`) loses its backslash and keeps the rest; a backslash at the
 * very end stays. Carry between pushes: the escape read so far (at most `\u{` and 16 digits).
 */
import { OutputBatch } from "../output-batch.js";
import type { Transform } from "../types.js";
import { hexValue, SurrogateJoiner } from "../unicode.js";

const TEXT = 0;
const ESCAPE = 1; // after "\"
const HEX = 2; // "\x" and 0-1 digits
const UNIT = 3; // "\u" and 0-3 digits
const BRACE = 4; // "\u{" and digits
const OCTAL = 5; // "\" and 1-2 octal digits
const CR = 6; // "\" CR: an LF may follow

const BACKSLASH = 0x5c;
const MAX_BRACE_DIGITS = 16;

/** Single-character escapes, by the byte after the backslash; -1 for "the character itself". */
const SIMPLE = (() => {
  const table = new Int16Array(256).fill(-1);
  table[0x62] = 0x08; // b
  table[0x66] = 0x0c; // f
  table[0x6e] = 0x0a; // n
  table[0x72] = 0x0d; // r
  table[0x74] = 0x09; // t
  table[0x76] = 0x0b; // v
  return table;
})();

function isOctal(b: number): boolean {
  return b >= 0x30 && b <= 0x37;
}

export function jsDecode(): Transform {
  const out = new OutputBatch();
  const joiner = new SurrogateJoiner();
  /** The escape's bytes after the backslash, re-emitted if it turns out incomplete. */
  const raw = new Uint8Array(MAX_BRACE_DIGITS + 2);
  let rawLen = 0;
  let state = TEXT;
  let value = 0;
  let digits = 0;

  type Emit = (bytes: Uint8Array) => void;
  const codePoint = (cp: number, emit: Emit): void => {
    joiner.settle(out, emit);
    out.codePoint(cp, emit);
  };
  /** An incomplete escape: its bytes without the backslash; the current byte is examined again. */
  const literal = (emit: Emit): void => {
    joiner.settle(out, emit);
    for (let k = 0; k < rawLen; k++) out.byte(raw[k] as number, emit);
    rawLen = 0;
    state = TEXT;
  };

  return {
    push(input, emit) {
      const n = input.length;
      let i = 0;
      while (i < n) {
        if (state === TEXT) {
          const j = input.indexOf(BACKSLASH, i);
          const end = j < 0 ? n : j;
          if (end > i) {
            joiner.settle(out, emit);
            out.run(input, i, end, emit);
          }
          if (j < 0) break;
          state = ESCAPE;
          rawLen = 0;
          i = j + 1;
          continue;
        }
        const b = input[i] as number;
        if (state === ESCAPE) {
          i++;
          if (b === 0x78) {
            state = HEX;
            raw[0] = b;
            rawLen = 1;
            value = 0;
          } else if (b === 0x75) {
            state = UNIT;
            raw[0] = b;
            rawLen = 1;
            value = 0;
            digits = 0;
          } else if (isOctal(b)) {
            state = OCTAL;
            value = b - 0x30;
            digits = 1;
          } else if (b === 0x0a) {
            state = TEXT;
          } else if (b === 0x0d) {
            state = CR;
          } else {
            const simple = SIMPLE[b] as number;
            if (simple >= 0) codePoint(simple, emit);
            else {
              joiner.settle(out, emit);
              out.byte(b, emit);
            }
            state = TEXT;
          }
          continue;
        }
        if (state === CR) {
          state = TEXT;
          if (b === 0x0a) i++;
          continue;
        }
        if (state === OCTAL) {
          const next = value * 8 + (b - 0x30);
          if (isOctal(b) && digits < 3 && next <= 0xff) {
            value = next;
            digits++;
            i++;
            continue;
          }
          codePoint(value, emit);
          state = TEXT;
          continue;
        }
        const h = hexValue(b);
        if (state === HEX) {
          if (h < 0) {
            literal(emit);
            continue;
          }
          raw[rawLen++] = b;
          value = value * 16 + h;
          i++;
          if (rawLen === 3) {
            codePoint(value, emit);
            state = TEXT;
          }
          continue;
        }
        if (state === UNIT) {
          if (rawLen === 1 && b === 0x7b) {
            raw[rawLen++] = b;
            state = BRACE;
            i++;
            continue;
          }
          if (h < 0) {
            literal(emit);
            continue;
          }
          raw[rawLen++] = b;
          value = value * 16 + h;
          i++;
          if (rawLen === 5) {
            joiner.unit(value, out, emit);
            state = TEXT;
          }
          continue;
        }
        // BRACE: hex digits, then "}"
        if (b === 0x7d && digits > 0 && value <= 0x10ffff) {
          i++;
          state = TEXT;
          if (value <= 0xffff) joiner.unit(value, out, emit);
          else codePoint(value, emit);
          continue;
        }
        if (h < 0 || digits === MAX_BRACE_DIGITS) {
          literal(emit);
          continue;
        }
        raw[rawLen++] = b;
        value = Math.min(value * 16 + h, 0x110000);
        digits++;
        i++;
      }
      out.flush(emit);
    },
    flush(emit) {
      if (state === ESCAPE) {
        joiner.settle(out, emit);
        out.byte(BACKSLASH, emit);
      } else if (state === OCTAL) {
        codePoint(value, emit);
      } else if (state !== TEXT && state !== CR) {
        literal(emit);
      }
      state = TEXT;
      rawLen = 0;
      joiner.settle(out, emit);
      out.flush(emit);
    },
  };
}
