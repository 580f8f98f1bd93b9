/**
 * The inside of one JSON string (RFC 8259 section 7), read across chunks: runs of plain bytes
 * pass through as they are, escapes are decoded (`\" \\ \/ \b \f \n \r \t \uXXXX`), surrogate
 * pairs written as two `\u` escapes are joined into one code point and a lone surrogate becomes
 * U+FFFD (what TextEncoder makes of JSON.parse's result). The carry between chunks is the
 * escape state and at most three hex digits' worth of code unit.
 *
 * Bytes are not transcoded. Their UTF-8 well-formedness is checked on the way (an invalid
 * sequence is reported once per body by the caller, and the bytes still pass unchanged).
 */
import type { Emit, OutputBatch } from "./output-batch.js";
import { hexValue, SurrogateJoiner } from "./unicode.js";
import { Utf8Validator } from "./utf8-validator.js";

/** `read` stopped at the end of the input and the string goes on. */
export const STRING_MORE = 0;
/** `read` consumed the closing quote. */
export const STRING_DONE = 1;
/** `read` stopped at a byte that is not allowed; see `failure`. */
export const STRING_FAILED = 2;

const PLAIN = 0;
const ESCAPE = 1;
const UNICODE = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Decoded values of single-character escapes, indexed by the byte after the backslash; -1 if invalid. */
const SIMPLE_ESCAPES = (() => {
  const table = new Int16Array(128).fill(-1);
  table[QUOTE] = QUOTE;
  table[BACKSLASH] = BACKSLASH;
  table[0x2f] = 0x2f; // "/"
  table[0x62] = 0x08; // b
  table[0x66] = 0x0c; // f
  table[0x6e] = 0x0a; // n
  table[0x72] = 0x0d; // r
  table[0x74] = 0x09; // t
  return table;
})();

export class JsonStringReader {
  status = STRING_MORE;
  /** What was expected, when status is STRING_FAILED. */
  failure = "";
  /** Index in the last chunk read of the first byte that broke UTF-8 well-formedness, or -1; the caller resets it. */
  invalidUtf8At = -1;

  private readonly out: OutputBatch;
  private readonly joiner = new SurrogateJoiner();
  private readonly utf8 = new Utf8Validator();
  private state = PLAIN;
  private unit = 0;
  private digits = 0;

  constructor(out: OutputBatch) {
    this.out = out;
  }

  /** Prepares for a new string; call after its opening quote. */
  begin(): void {
    this.status = STRING_MORE;
    this.state = PLAIN;
    this.joiner.reset();
    this.utf8.reset();
  }

  /**
   * Reads from `chunk[i..end)` and returns the index it stopped at: `end` (STRING_MORE), just
   * past the closing quote (STRING_DONE) or at the offending byte (STRING_FAILED).
   */
  read(chunk: Uint8Array, i: number, end: number, emit: Emit): number {
    const out = this.out;
    while (i < end) {
      if (this.state === PLAIN) {
        let j = i;
        const utf8 = this.utf8;
        while (j < end) {
          const b = chunk[j] as number;
          if (b >= 0x80) {
            if (!utf8.byte(b) && this.invalidUtf8At < 0) this.invalidUtf8At = j;
            j++;
            continue;
          }
          if (utf8.inSequence && !utf8.byte(b) && this.invalidUtf8At < 0) this.invalidUtf8At = j;
          if (b === QUOTE || b === BACKSLASH || b < 0x20) break;
          j++;
        }
        if (j > i) {
          if (this.joiner.waiting) this.joiner.settle(out, emit);
          out.run(chunk, i, j, emit);
        }
        if (j === end) return end;
        const b = chunk[j] as number;
        if (b === BACKSLASH) {
          this.state = ESCAPE;
          i = j + 1;
          continue;
        }
        if (b === QUOTE) {
          this.joiner.settle(out, emit);
          this.status = STRING_DONE;
          return j + 1;
        }
        return this.fail(j, `control character ${hexByte(b)} must be escaped inside a string`);
      }
      const b = chunk[i] as number;
      if (this.state === ESCAPE) {
        if (b === 0x75) {
          this.state = UNICODE;
          this.unit = 0;
          this.digits = 0;
          i++;
          continue;
        }
        const decoded = b < 0x80 ? (SIMPLE_ESCAPES[b] as number) : -1;
        if (decoded < 0) {
          return this.fail(
            i,
            `invalid escape \\${describe(b)}; expected one of " \\ / b f n r t u`,
          );
        }
        this.joiner.settle(out, emit);
        out.byte(decoded, emit);
        this.state = PLAIN;
        i++;
        continue;
      }
      // UNICODE
      const h = hexValue(b);
      if (h < 0) return this.fail(i, `expected a hex digit in a \\u escape, got ${describe(b)}`);
      this.unit = this.unit * 16 + h;
      i++;
      if (++this.digits === 4) {
        this.joiner.unit(this.unit, out, emit);
        this.state = PLAIN;
      }
    }
    return end;
  }

  private fail(at: number, what: string): number {
    this.status = STRING_FAILED;
    this.failure = what;
    return at;
  }
}

export function hexByte(b: number): string {
  return `0x${b.toString(16).padStart(2, "0")}`;
}

/** A byte for an error detail: printable ASCII as itself, anything else as hex. */
export function describe(b: number): string {
  return b > 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : hexByte(b);
}
