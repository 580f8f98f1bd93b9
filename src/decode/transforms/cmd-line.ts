/**
 * t:cmdLine: folds the ways a shell or cmd.exe lets a command be written so that `c^at`,
 * `c\at`, `"cat"`, `c''at` and `cat,/etc/passwd` all read as the same text (ModSecurity's
 * documented rules, in this order of precedence):
 * - backslash, double quote, single quote and caret are deleted;
 * - comma and semicolon count as whitespace; each run of whitespace (space, tab, LF, VT, FF,
 *   CR) becomes one space;
 * - that space is deleted when the run is followed by `/` or `(` (`cmd /c`, `ping (`);
 * - A-Z become a-z (bytes of 0x80 and above are never touched, as in t:lowercase).
 * A deleted byte does not end a whitespace run: `a \ /b` is `a/b`.
 * Carry between pushes: one bit, "a whitespace run is open and its space not yet written",
 * because only the next kept byte decides whether the space survives.
 */
import type { Transform } from "../types.js";

// 0: kept as it is
const DROP = 1;
const SPACE = 2;
const SLASH_OR_PAREN = 3;
const UPPER = 4; // kept, folded to lower case

/** What each byte does; 0 (kept) for everything not listed. */
const CLASS = (() => {
  const table = new Uint8Array(256);
  for (const b of [0x5c, 0x22, 0x27, 0x5e]) table[b] = DROP;
  for (const b of [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x2c, 0x3b]) table[b] = SPACE;
  table[0x2f] = SLASH_OR_PAREN;
  table[0x28] = SLASH_OR_PAREN;
  for (let b = 0x41; b <= 0x5a; b++) table[b] = UPPER;
  return table;
})();

/** Output scratch: every kept byte is written here by the loop itself (no call per byte). */
const SCRATCH_BYTES = 2048;

export function cmdLine(): Transform {
  const buf = new Uint8Array(SCRATCH_BYTES);
  let len = 0;
  let pendingSpace = false;
  return {
    push(input, emit) {
      // Locals, not the closure's variables, inside the loop: V8 keeps them in registers.
      const n = input.length;
      let at = len;
      let pending = pendingSpace;
      for (let i = 0; i < n; i++) {
        const b = input[i] as number;
        const kind = CLASS[b] as number;
        if (kind === DROP) continue;
        if (kind === SPACE) {
          pending = true;
          continue;
        }
        // At most two bytes follow: room for them, or the scratch goes out first.
        if (at > SCRATCH_BYTES - 2) {
          emit(buf.subarray(0, at));
          at = 0;
        }
        if (pending) {
          pending = false;
          if (kind !== SLASH_OR_PAREN) buf[at++] = 0x20;
        }
        buf[at++] = kind === UPPER ? b | 0x20 : b;
      }
      pendingSpace = pending;
      len = 0;
      if (at > 0) emit(buf.subarray(0, at));
    },
    flush(emit) {
      if (pendingSpace) buf[len++] = 0x20;
      pendingSpace = false;
      if (len > 0) emit(buf.subarray(0, len));
      len = 0;
    },
  };
}
