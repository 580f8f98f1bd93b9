/**
 * t:utf8toUnicode: writes every multi-byte UTF-8 sequence as IIS-style `%uHHHH` text (lower-case
 * hex; a character past U+FFFF as its surrogate pair, `%ud83d%ude00`), as ModSecurity
 * documents it, so that a following t:urlDecodeUni reads one notation for every character.
 * ASCII passes unchanged. Overlong forms (C0 AE) and encoded surrogates are decoded to their
 * value too (`%u002e`): IIS and old Java decoders accepted them, and writing them out is what
 * lets urlDecodeUni expose the `.` and `/` they hide (shared case 25). Bytes that start no
 * sequence, a sequence cut short and values past U+10FFFF pass unchanged.
 * Carry between pushes: a sequence begun but not finished (at most 3 bytes).
 */
import { type Emit, OutputBatch } from "../output-batch.js";
import type { Transform } from "../types.js";

const HEX = "0123456789abcdef";

/** Continuation bytes a lead byte announces; 0 for a byte that starts no sequence. */
function trailing(lead: number): number {
  if (lead >= 0xc0 && lead <= 0xdf) return 1;
  if (lead >= 0xe0 && lead <= 0xef) return 2;
  if (lead >= 0xf0 && lead <= 0xf7) return 3;
  return 0;
}

function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80;
}

export function utf8toUnicode(): Transform {
  const out = new OutputBatch();
  const seq = new Uint8Array(4);
  let seqLen = 0;
  let need = 0;

  const unit = (u: number, emit: Emit): void => {
    out.byte(0x25, emit);
    out.byte(0x75, emit);
    for (let shift = 12; shift >= 0; shift -= 4) out.byte(HEX.charCodeAt((u >> shift) & 15), emit);
  };

  const complete = (emit: Emit): void => {
    const lead = seq[0] as number;
    let cp = lead & (seqLen === 2 ? 0x1f : seqLen === 3 ? 0x0f : 0x07);
    for (let k = 1; k < seqLen; k++) cp = (cp << 6) | ((seq[k] as number) & 0x3f);
    if (cp > 0x10ffff) {
      for (let k = 0; k < seqLen; k++) out.byte(seq[k] as number, emit);
    } else if (cp > 0xffff) {
      const v = cp - 0x10000;
      unit(0xd800 | (v >> 10), emit);
      unit(0xdc00 | (v & 0x3ff), emit);
    } else {
      unit(cp, emit);
    }
    seqLen = 0;
    need = 0;
  };

  /** The sequence broke: its lead passes as it is, the rest is examined again. */
  const broken = (emit: Emit): Uint8Array => {
    out.byte(seq[0] as number, emit);
    const rest = seq.slice(1, seqLen);
    seqLen = 0;
    need = 0;
    return rest;
  };

  const feed = (input: Uint8Array, emit: Emit): void => {
    let run = 0;
    for (let i = 0; i < input.length; i++) {
      const b = input[i] as number;
      if (need > 0) {
        if (isContinuation(b)) {
          seq[seqLen++] = b;
          if (--need === 0) complete(emit);
          run = i + 1;
          continue;
        }
        feed(broken(emit), emit);
      }
      if (b < 0x80) continue;
      out.run(input, run, i, emit);
      run = i + 1;
      const count = trailing(b);
      if (count === 0) {
        out.byte(b, emit);
      } else {
        seq[0] = b;
        seqLen = 1;
        need = count;
      }
    }
    out.run(input, run, input.length, emit);
  };

  return {
    push(input, emit) {
      feed(input, emit);
      out.flush(emit);
    },
    flush(emit) {
      while (seqLen > 0) feed(broken(emit), emit);
      out.flush(emit);
    },
  };
}
