/**
 * Writes released body bytes with their redactions applied. A byte marked by a mask-style
 * signature becomes the mask character; each maximal run of bytes marked by token-style
 * signatures becomes the token once (a run that continues into the next release goes on
 * silently, so the output does not depend on where releases fall). It also counts what it
 * replaced: one occurrence per run of bytes owned by the same signature, and the bytes.
 */

import { GrowingBytes } from "../decode/growing-bytes.js";
import type { Window } from "./hold-back.js";
import type { RedactionOptions, RedactStyle } from "./options.js";

/** Output gathered during one call, shared by every stream (taken before the call returns). */
const out = new GrowingBytes(128 * 1024);

const TOKEN = 2;
const MASK = 1;

export class RewriteWriter {
  /** Per mark value (member index + 1): 0 unused, MASK or TOKEN. */
  readonly #styles: Uint8Array;
  /** Mark of the last byte written (0 = not redacted). */
  #previous = 0;
  /** Occurrences per member index, since the last take. */
  readonly #occurrences = new Map<number, number>();
  #maskedBytes = 0;

  constructor(
    styles: readonly (RedactStyle | undefined)[],
    private readonly options: RedactionOptions,
  ) {
    this.#styles = new Uint8Array(styles.length + 1);
    styles.forEach((style, index) => {
      this.#styles[index + 1] = style === "token" ? TOKEN : style === "mask" ? MASK : 0;
    });
  }

  /** Starts a call's output (the shared buffer is empty between calls). */
  begin(): void {
    out.clear();
  }

  /**
   * Writes `window.bytes[0, count)`. `regions` (absolute [start, end) pairs, ascending, from
   * marked-regions.ts) are the only places with marks: everything between them is copied at
   * once.
   */
  write(window: Window, count: number, regions: readonly number[]): void {
    const { base, bytes } = window;
    let cursor = 0;
    for (let r = 0; r < regions.length; r += 2) {
      const start = Math.max((regions[r] ?? 0) - base, cursor);
      const end = Math.min((regions[r + 1] ?? 0) - base, count);
      if (end <= start) continue;
      if (start > cursor) {
        out.append(bytes.subarray(cursor, start));
        this.#previous = 0;
      }
      this.#writeMarked(window, start, end);
      cursor = end;
    }
    if (count > cursor) {
      out.append(bytes.subarray(cursor, count));
      this.#previous = 0;
    }
  }

  /** Bytes [i, end) of a marked region, run by run. */
  #writeMarked(window: Window, from: number, end: number): void {
    const { bytes, marks } = window;
    let i = from;
    while (i < end) {
      const mark = marks[i] ?? 0;
      let j = i + 1;
      while (j < end && marks[j] === mark) j++;
      if (mark === 0) {
        out.append(bytes.subarray(i, j));
        this.#previous = 0;
        i = j;
        continue;
      }
      if (mark !== this.#previous) {
        this.#occurrences.set(mark - 1, (this.#occurrences.get(mark - 1) ?? 0) + 1);
      }
      this.#maskedBytes += j - i;
      if ((this.#styles[mark] ?? 0) === TOKEN) {
        if ((this.#styles[this.#previous] ?? 0) !== TOKEN) out.append(this.options.token);
      } else {
        out.fill(this.options.mask, j - i);
      }
      this.#previous = mark;
      i = j;
    }
  }

  /** The call's output, as an owned copy. */
  output(): Uint8Array {
    const copy = out.view().slice();
    out.clear();
    return copy;
  }

  /** Occurrences per member index and bytes replaced since the last take. */
  takeCounts(): { occurrences: Map<number, number>; maskedBytes: number } | undefined {
    if (this.#maskedBytes === 0) return undefined;
    const occurrences = new Map(this.#occurrences);
    const maskedBytes = this.#maskedBytes;
    this.#occurrences.clear();
    this.#maskedBytes = 0;
    return { occurrences, maskedBytes };
  }
}
