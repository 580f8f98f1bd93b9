/**
 * t:urlDecodeUni: percent-decoding with `+` as space and IIS-style `%uXXXX`, which is written as
 * the code point's UTF-8 bytes (never truncated to its low byte, the ModSecurity behaviour that
 * turned CJK text into quotes, shared case 23; full-width forms are not folded to ASCII). Invalid
 * escapes pass literally. An escape cut between pushes is carried (percent-decode.ts).
 */
import { PercentDecoder } from "../percent-decode.js";
import type { Transform } from "../types.js";

export function urlDecodeUni(): Transform {
  const decoder = new PercentDecoder({ plusAsSpace: true, percentU: true });
  return {
    push(input, emit) {
      decoder.push(input, emit);
      decoder.drain(emit);
    },
    flush(emit) {
      decoder.flush(emit);
    },
  };
}
