/**
 * JSON numbers and the literals true, false and null, recognised byte by byte across chunks
 * (RFC 8259 sections 3 and 6). Numbers are checked against the grammar
 * `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` without converting them: their text is
 * what the application receives and what signatures see.
 */
import { describe } from "./json-string.js";

/** The scalar goes on past the input. */
export const SCALAR_MORE = 0;
/** The scalar ended before the returned index (that byte is not part of it). */
export const SCALAR_DONE = 1;
/** A byte does not fit the grammar; see `failure`. */
export const SCALAR_FAILED = 2;

// Number grammar states. "Final" states may end the number.
const N_START = 0; // nothing yet
const N_MINUS = 1; // "-"
const N_ZERO = 2; // leading "0" (final)
const N_INT = 3; // integer digits (final)
const N_DOT = 4; // "."
const N_FRAC = 5; // fraction digits (final)
const N_E = 6; // "e" or "E"
const N_E_SIGN = 7; // exponent sign
const N_EXP = 8; // exponent digits (final)

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

export class JsonNumberReader {
  status = SCALAR_MORE;
  failure = "";
  private state = N_START;

  begin(): void {
    this.status = SCALAR_MORE;
    this.state = N_START;
  }

  /** True if the text so far is a complete number (the body may end here). */
  get complete(): boolean {
    const s = this.state;
    return s === N_ZERO || s === N_INT || s === N_FRAC || s === N_EXP;
  }

  /** Reads number bytes from `chunk[i..end)`; returns the index of the first byte not taken. */
  read(chunk: Uint8Array, i: number, end: number): number {
    let s = this.state;
    for (; i < end; i++) {
      const b = chunk[i] as number;
      const digit = isDigit(b);
      let next = -1;
      switch (s) {
        case N_START:
          next = b === 0x2d ? N_MINUS : b === 0x30 ? N_ZERO : digit ? N_INT : -1;
          break;
        case N_MINUS:
          next = b === 0x30 ? N_ZERO : digit ? N_INT : -1;
          break;
        case N_ZERO:
          next = b === 0x2e ? N_DOT : b === 0x65 || b === 0x45 ? N_E : -2;
          break;
        case N_INT:
          next = digit ? N_INT : b === 0x2e ? N_DOT : b === 0x65 || b === 0x45 ? N_E : -2;
          break;
        case N_DOT:
          next = digit ? N_FRAC : -1;
          break;
        case N_FRAC:
          next = digit ? N_FRAC : b === 0x65 || b === 0x45 ? N_E : -2;
          break;
        case N_E:
          next = b === 0x2b || b === 0x2d ? N_E_SIGN : digit ? N_EXP : -1;
          break;
        case N_E_SIGN:
          next = digit ? N_EXP : -1;
          break;
        default: // N_EXP
          next = digit ? N_EXP : -2;
      }
      if (next === -2) {
        // A final state met a byte outside the number: the number ends before it.
        this.state = s;
        this.status = SCALAR_DONE;
        return i;
      }
      if (next === -1) {
        this.state = s;
        this.status = SCALAR_FAILED;
        this.failure = `${describe(b)} is not valid here in a number; expected ${expectation(s)}`;
        return i;
      }
      s = next;
    }
    this.state = s;
    return end;
  }
}

function expectation(state: number): string {
  if (state === N_ZERO) return "'.', 'e' or the end of the number (no leading zeros)";
  if (state === N_E) return "a digit or a sign after the exponent marker";
  return "a digit";
}

const LITERALS: Record<number, Uint8Array> = {
  116: new TextEncoder().encode("true"),
  102: new TextEncoder().encode("false"),
  110: new TextEncoder().encode("null"),
};

/** Matches one of true / false / null, starting from its first byte. */
export class JsonLiteralReader {
  status = SCALAR_MORE;
  failure = "";
  private expected: Uint8Array = new Uint8Array(0);
  private matched = 0;

  /** True if `b` can start a literal. */
  static starts(b: number): boolean {
    return LITERALS[b] !== undefined;
  }

  begin(first: number): void {
    this.expected = LITERALS[first] ?? new Uint8Array(0);
    this.matched = 0;
    this.status = SCALAR_MORE;
  }

  /** The literal's text, once matched. */
  get text(): Uint8Array {
    return this.expected;
  }

  get name(): string {
    return String.fromCharCode(...this.expected);
  }

  read(chunk: Uint8Array, i: number, end: number): number {
    const expected = this.expected;
    for (; i < end; i++) {
      if (this.matched === expected.length) break;
      const b = chunk[i] as number;
      if (b !== expected[this.matched]) {
        this.status = SCALAR_FAILED;
        this.failure = `${describe(b)} breaks the literal ${this.name}`;
        return i;
      }
      this.matched++;
    }
    if (this.matched === expected.length) this.status = SCALAR_DONE;
    return i;
  }
}
