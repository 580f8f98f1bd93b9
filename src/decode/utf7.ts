/**
 * UTF-7 (RFC 2152) to UTF-8, streaming. Written here because iconv-lite's decoder loses a
 * character when a chunk ends right after a shifted sequence and the next one starts with its
 * closing `-` (so the text would depend on where Envoy cut the body, against I2).
 * - `+` starts a shifted run of modified Base64 (no padding); `+-` is a literal `+`;
 * - each 16 bits of a run are one UTF-16 code unit; pairs are joined, a lone surrogate becomes
 *   U+FFFD; leftover bits when the run ends are dropped;
 * - a run ends at the first byte outside the Base64 alphabet; a `-` there is absorbed;
 * - any other byte below 0x80 is itself; a byte of 0x80 or above is not UTF-7 and becomes U+FFFD.
 * Carry between pushes: the run state, up to 21 bits, and a waiting high surrogate.
 */
import { type Emit, OutputBatch } from "./output-batch.js";
import type { Transform } from "./types.js";
import { REPLACEMENT_CHARACTER, SurrogateJoiner } from "./unicode.js";

const DIRECT = 0;
const PLUS = 1; // "+" seen: "-" makes it a literal plus, Base64 starts a run
const SHIFTED = 2;

const SEXTET = (() => {
  const table = new Int8Array(256).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let k = 0; k < alphabet.length; k++) table[alphabet.charCodeAt(k)] = k;
  return table;
})();

export class Utf7Transcoder implements Transform {
  private readonly out = new OutputBatch();
  private readonly joiner = new SurrogateJoiner();
  private state = DIRECT;
  private bits = 0;
  private bitCount = 0;

  push(input: Uint8Array, emit: Emit): void {
    for (let i = 0; i < input.length; i++) {
      const b = input[i] as number;
      if (this.state !== DIRECT) {
        const v = SEXTET[b] as number;
        if (v >= 0) {
          this.state = SHIFTED;
          this.sextet(v, emit);
          continue;
        }
        const wasPlus = this.state === PLUS;
        this.endRun(emit);
        if (b === 0x2d) {
          if (wasPlus) this.out.byte(0x2b, emit);
          continue;
        }
      }
      if (b === 0x2b) {
        this.state = PLUS;
        continue;
      }
      this.joiner.settle(this.out, emit);
      if (b < 0x80) this.out.byte(b, emit);
      else this.out.codePoint(REPLACEMENT_CHARACTER, emit);
    }
    this.out.flush(emit);
  }

  flush(emit: Emit): void {
    this.endRun(emit);
    this.joiner.settle(this.out, emit);
    this.out.flush(emit);
  }

  private sextet(v: number, emit: Emit): void {
    this.bits = ((this.bits << 6) | v) & 0x3fffff;
    this.bitCount += 6;
    if (this.bitCount >= 16) {
      this.bitCount -= 16;
      this.joiner.unit((this.bits >> this.bitCount) & 0xffff, this.out, emit);
    }
  }

  private endRun(emit: Emit): void {
    if (this.state === SHIFTED) this.joiner.settle(this.out, emit);
    this.state = DIRECT;
    this.bits = 0;
    this.bitCount = 0;
  }
}
