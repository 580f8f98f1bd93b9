/**
 * Small pieces shared by the decoders that turn escapes into code points: hex digit values and
 * the joining of UTF-16 surrogate pairs (JSON `\uD83D\uDE00`, IIS `%uD83D%uDE00`) into one code
 * point. A surrogate that is not part of a pair becomes U+FFFD, as a UTF-16 to UTF-8 encoder
 * does (TextEncoder, Java, .NET), so no decoder ever emits an encoded surrogate.
 */
import type { Emit, OutputBatch } from "./output-batch.js";

export const REPLACEMENT_CHARACTER = 0xfffd;

const HEX_VALUES = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let d = 0; d < 10; d++) table[0x30 + d] = d;
  for (let d = 0; d < 6; d++) {
    table[0x41 + d] = 10 + d;
    table[0x61 + d] = 10 + d;
  }
  return table;
})();

/** The value of an ASCII hex digit, or -1. */
export function hexValue(b: number): number {
  return HEX_VALUES[b] as number;
}

/** Clamps a code point from a numeric escape: NUL, surrogates and values past U+10FFFF map to U+FFFD. */
export function scalarOrReplacement(cp: number): number {
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return REPLACEMENT_CHARACTER;
  return cp;
}

/** Joins UTF-16 code units from escapes into code points, carrying a high surrogate. */
export class SurrogateJoiner {
  private high = 0;

  /** True while a high surrogate waits for its low half. */
  get waiting(): boolean {
    return this.high !== 0;
  }

  /** One code unit (0..0xFFFF) decoded from an escape. */
  unit(u: number, out: OutputBatch, emit: Emit): void {
    if (u >= 0xd800 && u <= 0xdbff) {
      if (this.high !== 0) out.codePoint(REPLACEMENT_CHARACTER, emit);
      this.high = u;
      return;
    }
    if (u >= 0xdc00 && u <= 0xdfff) {
      if (this.high === 0) {
        out.codePoint(REPLACEMENT_CHARACTER, emit);
        return;
      }
      const cp = 0x10000 + ((this.high - 0xd800) << 10) + (u - 0xdc00);
      this.high = 0;
      out.codePoint(cp, emit);
      return;
    }
    this.settle(out, emit);
    out.codePoint(u, emit);
  }

  /** Something other than a low surrogate follows: a waiting high surrogate becomes U+FFFD. */
  settle(out: OutputBatch, emit: Emit): void {
    if (this.high === 0) return;
    this.high = 0;
    out.codePoint(REPLACEMENT_CHARACTER, emit);
  }

  reset(): void {
    this.high = 0;
  }
}
