/**
 * Streaming percent-decoding (RFC 3986 `%XX`, plus `+` as space for forms and queries, plus IIS
 * `%uXXXX` for t:urlDecodeUni). An escape cut by a chunk boundary is carried (at most 5 bytes)
 * and finished by the next push, so the output never depends on where the input was cut
 * (shared case 41).
 *
 * An invalid escape (`%zz`, `%4` at the end of a value, `%u12` followed by a non-hex byte)
 * passes through literally, as browsers (WHATWG URL) and most frameworks decode it, and is
 * counted in `invalidEscapes` so the caller can flag it. It is not an anomaly in v0: bare
 * percent signs are common in real links (shared case 29).
 *
 * Decoding happens once. A value such as `%2500` decodes to the text `%00`, never to NUL
 * (shared case 27); see path.ts for why v0 never decodes twice.
 */
import { type Emit, OutputBatch } from "./output-batch.js";
import { hexValue, SurrogateJoiner } from "./unicode.js";

export interface PercentDecodeOptions {
  /** `+` decodes to a space (application/x-www-form-urlencoded, query strings, cookies). */
  readonly plusAsSpace: boolean;
  /** `%uXXXX` decodes to the code point's UTF-8 bytes; pairs of surrogates are joined. */
  readonly percentU?: boolean;
}

/** Forms and query strings: `+` is a space. */
export const FORM_MODE: PercentDecodeOptions = { plusAsSpace: true };
/** Paths: `+` is a literal plus. */
export const PATH_MODE: PercentDecodeOptions = { plusAsSpace: false };

const PLAIN = 0;
const PERCENT = 1; // saw "%"
const HEX1 = 2; // saw "%X"
const U0 = 3; // saw "%u", then U1..U3 after each hex digit
const U3 = 6;

const PERCENT_SIGN = 0x25;
const PLUS = 0x2b;

export class PercentDecoder {
  /** Escapes that were not valid and passed through literally, since construction. */
  invalidEscapes = 0;

  private readonly plusAsSpace: boolean;
  private readonly percentU: boolean;
  private readonly out: OutputBatch;
  private readonly joiner = new SurrogateJoiner();
  private state = PLAIN;
  /** The escape seen so far ("%", "%4", "%u00" ...), emitted literally if it turns out invalid. */
  private readonly raw = new Uint8Array(5);
  private rawLen = 0;
  private acc = 0;

  constructor(options: PercentDecodeOptions, out: OutputBatch = new OutputBatch()) {
    this.plusAsSpace = options.plusAsSpace;
    this.percentU = options.percentU === true;
    this.out = out;
  }

  /**
   * Decodes `input[start..end)`. Decoded bytes may stay in the scratch buffer until `drain` or
   * `flush`; an unfinished escape is carried to the next push.
   */
  push(input: Uint8Array, emit: Emit, start = 0, end: number = input.length): void {
    const out = this.out;
    let i = start;
    while (i < end) {
      if (this.state === PLAIN) {
        let j = i;
        if (this.plusAsSpace) {
          while (j < end) {
            const b = input[j] as number;
            if (b === PERCENT_SIGN || b === PLUS) break;
            j++;
          }
        } else {
          while (j < end && input[j] !== PERCENT_SIGN) j++;
        }
        if (j > i) {
          if (this.joiner.waiting) this.joiner.settle(out, emit);
          out.run(input, i, j, emit);
        }
        if (j === end) return;
        if (input[j] === PLUS) {
          if (this.joiner.waiting) this.joiner.settle(out, emit);
          out.byte(0x20, emit);
        } else {
          this.state = PERCENT;
          this.raw[0] = PERCENT_SIGN;
          this.rawLen = 1;
        }
        i = j + 1;
        continue;
      }
      const b = input[i] as number;
      const h = hexValue(b);
      if (this.state === PERCENT) {
        if (h >= 0) {
          this.acc = h;
          this.state = HEX1;
        } else if (this.percentU && (b === 0x75 || b === 0x55)) {
          this.acc = 0;
          this.state = U0;
        } else {
          this.invalid(emit); // b is examined again in PLAIN state
          continue;
        }
      } else if (this.state === HEX1) {
        if (h < 0) {
          this.invalid(emit);
          continue;
        }
        if (this.joiner.waiting) this.joiner.settle(out, emit);
        out.byte(this.acc * 16 + h, emit);
        this.state = PLAIN;
        i++;
        continue;
      } else {
        if (h < 0) {
          this.invalid(emit);
          continue;
        }
        this.acc = this.acc * 16 + h;
        if (this.state === U3) {
          this.state = PLAIN;
          this.joiner.unit(this.acc, out, emit);
          i++;
          continue;
        }
        this.state++;
      }
      this.raw[this.rawLen++] = b;
      i++;
    }
  }

  /** Emits decoded bytes held in the scratch buffer; a carried escape stays carried. */
  drain(emit: Emit): void {
    this.out.flush(emit);
  }

  /** The value ends: an unfinished escape passes through literally; state resets. */
  flush(emit: Emit): void {
    if (this.state !== PLAIN) this.invalid(emit);
    this.joiner.settle(this.out, emit);
    this.out.flush(emit);
  }

  private invalid(emit: Emit): void {
    this.invalidEscapes++;
    this.joiner.settle(this.out, emit);
    for (let k = 0; k < this.rawLen; k++) this.out.byte(this.raw[k] as number, emit);
    this.rawLen = 0;
    this.state = PLAIN;
  }
}

/** Decodes a complete value at once (paths, cookies). */
export function percentDecodeBytes(
  input: Uint8Array,
  options: PercentDecodeOptions,
): { bytes: Uint8Array; invalidEscapes: number } {
  // Decoded output is never longer than the input, except %uXXXX (6 bytes -> at most 4).
  const result = new Uint8Array(input.length);
  let len = 0;
  const decoder = new PercentDecoder(options);
  const collect: Emit = (bytes) => {
    result.set(bytes, len);
    len += bytes.length;
  };
  decoder.push(input, collect);
  decoder.flush(collect);
  return { bytes: result.subarray(0, len), invalidEscapes: decoder.invalidEscapes };
}
