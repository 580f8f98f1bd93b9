/**
 * The shared engine of t:normalizePath and t:normalizePathWin: folds the ways one path can be
 * spelled, as ModSecurity documents it ("removes multiple slashes, directory self-references
 * and directory back-references, except when at the beginning of the input"):
 * - runs of `/` become one `/` (Windows form: `\` is a `/` first);
 * - `.` segments disappear (`/a/./b` is `/a/b`, a trailing `/.` leaves `/`);
 * - `..` removes the segment before it (`/a/b/../c` is `/a/c`, `/a/b/..` is `/a/`);
 * - a `..` with nothing before it to remove stays (`../../etc/passwd`, `/../x`): for a WAF the
 *   traversal is the evidence, so it is never dropped (REQUEST_FILENAME resolves against the
 *   root instead, path.ts).
 * No percent-decoding: chain urlDecodeUni first where a value may be encoded.
 *
 * Streaming with bounded memory: output is held in a window of WINDOW_BYTES so a later `..`
 * can take back a segment; when the window is full its older half is written out, and a `..`
 * that reaches past it stays as it is. The window moves on content length only, never on push
 * boundaries, so the output does not depend on how the value was cut.
 */
import type { Emit } from "../output-batch.js";
import type { Transform } from "../types.js";

/** Output held back so that `..` can remove earlier segments. */
export const WINDOW_BYTES = 4096;

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

export function pathFold(windows: boolean): Transform {
  const buf = new Uint8Array(WINDOW_BYTES * 2);
  let len = 0;
  /** Content start offsets (in buf) of the segments a `..` may remove, oldest first. */
  const starts: number[] = [];
  /** Start of the current segment's content in buf. */
  let segStart = 0;
  /** Bytes of the current segment; -1 while no segment is open (just after a separator). */
  let segLen = -1;
  /** The current segment began before the window slid: it can never be removed. */
  let segPinned = false;
  /** Bytes written out of the window, for this value. */
  let written = 0;
  /** The last byte held or written, -1 at the start of a value. */
  let last = -1;
  /** The value starts with a separator. */
  let absolute = false;
  /** A byte of this value was seen. */
  let started = false;

  const append = (b: number, emit: Emit): void => {
    if (len === buf.length) slide(emit);
    buf[len++] = b;
    last = b;
  };

  /** Segment bytes input[from..to), sliding the window as it fills. */
  const appendRun = (input: Uint8Array, from: number, to: number, emit: Emit): void => {
    let at = from;
    while (at < to) {
      if (len === buf.length) slide(emit);
      const take = Math.min(to - at, buf.length - len);
      buf.set(input.subarray(at, at + take), len);
      len += take;
      at += take;
    }
    last = input[to - 1] as number;
  };

  /** Writes the older half of the window; segments that start there can no longer be removed. */
  const slide = (emit: Emit): void => {
    const cut = WINDOW_BYTES;
    emit(buf.subarray(0, cut));
    buf.copyWithin(0, cut, len);
    len -= cut;
    written += cut;
    if (segLen >= 0 && segStart < cut) segPinned = true;
    segStart = Math.max(segStart - cut, 0);
    let drop = 0;
    while (drop < starts.length && (starts[drop] as number) < cut) drop++;
    starts.splice(0, drop);
    for (let k = 0; k < starts.length; k++) starts[k] = (starts[k] as number) - cut;
  };

  const isDots = (count: number): boolean => {
    if (segLen !== count) return false;
    for (let k = 0; k < count; k++) if (buf[segStart + k] !== DOT) return false;
    return true;
  };

  /** Cuts the window back to `to`; `last` follows what is now at the end. */
  const truncate = (to: number): void => {
    len = to;
    if (len > 0) last = buf[len - 1] as number;
    else last = written > 0 ? SLASH : -1;
  };

  /** The current segment ends (at a separator or the end of the value). */
  const endSegment = (): void => {
    if (segLen < 0) return;
    if (segPinned) {
      // It began before the window slid: long, so never "." or "..", and out of reach of "..".
      segPinned = false;
      segLen = -1;
      return;
    }
    if (isDots(1)) {
      truncate(segStart);
    } else if (isDots(2)) {
      const previous = starts.pop();
      if (previous === undefined) {
        segLen = -1;
        return; // nothing to remove: ".." stays
      }
      truncate(previous);
    } else {
      starts.push(segStart);
    }
    segLen = -1;
  };

  return {
    push(input, emit) {
      const n = input.length;
      let i = 0;
      while (i < n) {
        let b = input[i] as number;
        if (windows && b === BACKSLASH) b = SLASH;
        if (!started) {
          started = true;
          absolute = b === SLASH;
        }
        if (b === SLASH) {
          endSegment();
          // One separator at most; none at the start of a relative value whose segments all went.
          if (!(last === SLASH || (last === -1 && !absolute))) append(SLASH, emit);
          i++;
          continue;
        }
        // A run of segment bytes up to the next separator, copied in bulk.
        let j = i + 1;
        while (j < n) {
          const c = input[j] as number;
          if (c === SLASH || (windows && c === BACKSLASH)) break;
          j++;
        }
        if (segLen < 0) {
          segStart = len;
          segLen = 0;
        }
        appendRun(input, i, j, emit);
        segLen += j - i;
        i = j;
      }
    },
    flush(emit) {
      endSegment();
      if (len > 0) emit(buf.subarray(0, len));
      len = 0;
      starts.length = 0;
      segStart = 0;
      segLen = -1;
      segPinned = false;
      written = 0;
      last = -1;
      absolute = false;
      started = false;
    },
  };
}
