/**
 * t:base64Decode: decodes standard Base64 (RFC 4648 alphabet `A-Z a-z 0-9 + /`). As in
 * ModSecurity, decoding runs from the start of the value and stops at the first `=` or at the
 * first byte outside the alphabet; the rest of the value is dropped. A final group of 2 or 3
 * characters yields its 1 or 2 whole bytes; a lone final character yields nothing. Meant for
 * the few signatures whose target is known to carry Base64 (a token, a serialized object),
 * never as a general normalisation: most values are not Base64 and decode to noise.
 * Carry between pushes: up to three characters of the current group, and whether decoding
 * stopped.
 */
import { OutputBatch } from "../output-batch.js";
import type { Transform } from "../types.js";

/** Sextet value of each byte in the alphabet, -1 otherwise. */
const SEXTET = (() => {
  const table = new Int8Array(256).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let k = 0; k < alphabet.length; k++) table[alphabet.charCodeAt(k)] = k;
  return table;
})();

export function base64Decode(): Transform {
  const out = new OutputBatch();
  let acc = 0;
  let count = 0;
  let stopped = false;

  return {
    push(input, emit) {
      if (stopped) return;
      for (let i = 0; i < input.length; i++) {
        const v = SEXTET[input[i] as number] as number;
        if (v < 0) {
          stopped = true;
          break;
        }
        acc = (acc << 6) | v;
        if (++count === 4) {
          out.byte((acc >> 16) & 0xff, emit);
          out.byte((acc >> 8) & 0xff, emit);
          out.byte(acc & 0xff, emit);
          acc = 0;
          count = 0;
        }
      }
      out.flush(emit);
    },
    flush(emit) {
      if (count === 2) {
        out.byte((acc >> 4) & 0xff, emit);
      } else if (count === 3) {
        out.byte((acc >> 10) & 0xff, emit);
        out.byte((acc >> 2) & 0xff, emit);
      }
      acc = 0;
      count = 0;
      stopped = false;
      out.flush(emit);
    },
  };
}
