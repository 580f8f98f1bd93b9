/**
 * t:htmlEntityDecode: decodes HTML character references the way a browser would before a
 * payload runs:
 * - numeric `&#DDD;` and `&#xHH;` with or without the `;` (any number of leading zeros), as
 *   UTF-8 of the code point (never its low byte, shared case 23); NUL, surrogates and values
 *   past U+10FFFF become U+FFFD as in HTML. The windows-1252 remapping of &#128;-&#159; is not
 *   applied;
 * - a subset of named references: the classic five plus nbsp, and the HTML5 punctuation names
 *   used to hide script syntax (`javascript&colon;alert&lpar;1&rpar;`). Names are
 *   case-sensitive; only the legacy names (lt gt amp quot nbsp, LT GT AMP QUOT) decode without
 *   a `;`, and only when the name ends there (`&ltx` stays as it is);
 * - anything else, including an unknown name, passes literally. One pass: `&amp;lt;` is `&lt;`.
 * Carry between pushes: the reference read so far (at most `&` and a 12-byte name, or the
 * numeric value being accumulated), so the carry stays bounded however long the input is.
 */
import { type Emit, OutputBatch } from "../output-batch.js";
import type { Transform } from "../types.js";
import { hexValue, scalarOrReplacement } from "../unicode.js";

const NAMED: ReadonlyMap<string, number> = new Map([
  ...["lt", "LT"].map((n) => [n, 0x3c] as const),
  ...["gt", "GT"].map((n) => [n, 0x3e] as const),
  ...["amp", "AMP"].map((n) => [n, 0x26] as const),
  ...["quot", "QUOT"].map((n) => [n, 0x22] as const),
  ["apos", 0x27],
  ["nbsp", 0xa0],
  ["Tab", 0x09],
  ["NewLine", 0x0a],
  ["excl", 0x21],
  ["num", 0x23],
  ["dollar", 0x24],
  ["percnt", 0x25],
  ["lpar", 0x28],
  ["rpar", 0x29],
  ["ast", 0x2a],
  ["midast", 0x2a],
  ["plus", 0x2b],
  ["comma", 0x2c],
  ["period", 0x2e],
  ["sol", 0x2f],
  ["colon", 0x3a],
  ["semi", 0x3b],
  ["equals", 0x3d],
  ["quest", 0x3f],
  ["commat", 0x40],
  ["lsqb", 0x5b],
  ["lbrack", 0x5b],
  ["bsol", 0x5c],
  ["rsqb", 0x5d],
  ["rbrack", 0x5d],
  ["Hat", 0x5e],
  ["lowbar", 0x5f],
  ["UnderBar", 0x5f],
  ["grave", 0x60],
  ["lcub", 0x7b],
  ["lbrace", 0x7b],
  ["verbar", 0x7c],
  ["vert", 0x7c],
  ["VerticalLine", 0x7c],
  ["rcub", 0x7d],
  ["rbrace", 0x7d],
]);

/** Names that also decode without a trailing `;` (HTML's legacy references). */
const LEGACY = new Set(["lt", "gt", "amp", "quot", "nbsp", "LT", "GT", "AMP", "QUOT"]);

const MAX_NAME = 12; // "VerticalLine"
const CODE_POINT_CLAMP = 0x110000; // one past U+10FFFF; larger values stay here

const TEXT = 0;
const AMP = 1; // "&"
const HASH = 2; // "&#"
const HEX_MARK = 3; // "&#x"
const DEC = 4; // "&#" digits
const HEX = 5; // "&#x" hex digits
const NAME = 6; // "&" letters or digits

const AMPERSAND = 0x26;
const SEMICOLON = 0x3b;

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a);
}

export function htmlEntityDecode(): Transform {
  const out = new OutputBatch();
  const name = new Uint8Array(MAX_NAME);
  let nameLen = 0;
  let state = TEXT;
  let value = 0;
  let xByte = 0x78;

  const nameText = (): string => String.fromCharCode(...name.subarray(0, nameLen));
  const literalName = (emit: Emit): void => {
    out.byte(AMPERSAND, emit);
    for (let k = 0; k < nameLen; k++) out.byte(name[k] as number, emit);
  };
  /** Ends a reference at a byte that is not part of it; true if that byte (a `;`) was used. */
  const finish = (b: number, emit: Emit): boolean => {
    const s = state;
    state = TEXT;
    if (s === DEC || s === HEX) {
      out.codePoint(scalarOrReplacement(value), emit);
      return b === SEMICOLON;
    }
    if (s === NAME) {
      const text = nameText();
      const cp = NAMED.get(text);
      if (cp !== undefined && (b === SEMICOLON || LEGACY.has(text))) {
        out.codePoint(cp, emit);
        return b === SEMICOLON;
      }
      literalName(emit);
      return false;
    }
    out.byte(AMPERSAND, emit);
    if (s !== AMP) out.byte(0x23, emit);
    if (s === HEX_MARK) out.byte(xByte, emit);
    return false;
  };

  return {
    push(input, emit) {
      const n = input.length;
      let i = 0;
      while (i < n) {
        if (state === TEXT) {
          const j = input.indexOf(AMPERSAND, i);
          if (j < 0) {
            out.run(input, i, n, emit);
            break;
          }
          out.run(input, i, j, emit);
          state = AMP;
          i = j + 1;
          continue;
        }
        const b = input[i] as number;
        if (state === AMP && b === 0x23) {
          state = HASH;
        } else if (state === AMP && isAlnum(b)) {
          name[0] = b;
          nameLen = 1;
          state = NAME;
        } else if (state === HASH && (b === 0x78 || b === 0x58)) {
          xByte = b;
          state = HEX_MARK;
        } else if ((state === HASH || state === DEC) && b >= 0x30 && b <= 0x39) {
          value = state === HASH ? b - 0x30 : Math.min(value * 10 + (b - 0x30), CODE_POINT_CLAMP);
          state = DEC;
        } else if ((state === HEX_MARK || state === HEX) && hexValue(b) >= 0) {
          value =
            state === HEX_MARK ? hexValue(b) : Math.min(value * 16 + hexValue(b), CODE_POINT_CLAMP);
          state = HEX;
        } else if (state === NAME && isAlnum(b) && nameLen < MAX_NAME) {
          name[nameLen++] = b;
        } else {
          // The reference ends before b; b is used only if it is the closing ";".
          if (finish(b, emit)) i++;
          continue;
        }
        i++;
      }
      out.flush(emit);
    },
    flush(emit) {
      if (state !== TEXT) finish(-1, emit);
      out.flush(emit);
    },
  };
}
