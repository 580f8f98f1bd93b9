/**
 * Finds multipart delimiters (`CRLF--boundary`, RFC 2046 section 5.1.1) in part content as it
 * streams, whatever the chunking (shared case 42): a candidate cut by a chunk boundary is
 * carried as the number of delimiter bytes matched so far, at most boundary length + 4. The
 * carried bytes are always a prefix of the delimiter, so nothing is copied: on a mismatch the
 * prefix is emitted from the delimiter constant.
 *
 * A delimiter preceded by a bare LF (`LF--boundary`) is also taken as a delimiter, because
 * lenient backends (PHP among them) split lines on LF; the caller flags it (`bareLf`). Part
 * content itself may contain bare LFs freely (shared case 05): only a line that starts with
 * `--boundary` matters.
 *
 * Emitted views are valid only during the callback.
 */

export type ContentEmit = (bytes: Uint8Array) => void;

const CR = 0x0d;
const LF = 0x0a;

export class DelimiterScanner {
  /** `\r\n--` followed by the boundary. */
  private readonly delimiter: Uint8Array;
  /** Delimiter bytes matched so far (0: no candidate is open). */
  private matched = 0;
  /** The open candidate started at its LF (no CR): it holds delimiter[1..matched). */
  private noCr = false;
  /** Leading bytes of the candidate that were never in the input (the body-start candidate). */
  private virtual = 0;
  /** The last delimiter found was preceded by LF alone. */
  bareLf = false;

  constructor(boundary: Uint8Array) {
    this.delimiter = new Uint8Array(boundary.length + 4);
    this.delimiter.set([CR, LF, 0x2d, 0x2d]);
    this.delimiter.set(boundary, 4);
  }

  /** At the start of the body a delimiter needs no CRLF before it. */
  startOfBody(): void {
    this.matched = 2;
    this.noCr = false;
    this.virtual = 2;
  }

  /** Forgets any open candidate (after a delimiter, content starts afresh). */
  reset(): void {
    this.matched = 0;
    this.noCr = false;
    this.virtual = 0;
  }

  /** True while bytes are held back as a possible delimiter. */
  get holding(): boolean {
    return this.matched > this.virtual;
  }

  /**
   * Scans `chunk[start..end)`: content goes to `emit`; returns the index just past a complete
   * delimiter, or -1 when the range is consumed (a candidate may be carried).
   */
  scan(chunk: Uint8Array, start: number, end: number, emit: ContentEmit): number {
    const delimiter = this.delimiter;
    const size = delimiter.length;
    let i = start;
    // Finish a candidate carried from the previous chunk, byte by byte.
    while (this.matched > 0 && i < end) {
      if (chunk[i] === delimiter[this.matched]) {
        i++;
        if (++this.matched === size) return this.found(i);
        continue;
      }
      this.release(emit);
    }
    if (this.matched > 0) return -1;
    // No candidate open: look at each LF and what follows it inside this chunk.
    const runStart = i;
    let from = i;
    while (true) {
      const lf = chunk.indexOf(LF, from);
      if (lf < 0 || lf >= end) {
        const tailCr = end > runStart && chunk[end - 1] === CR;
        const stop = tailCr ? end - 1 : end;
        if (stop > runStart) emit(chunk.subarray(runStart, stop));
        if (tailCr) this.open(1, false);
        return -1;
      }
      const withCr = lf > runStart && chunk[lf - 1] === CR;
      let p = lf + 1;
      let q = 2;
      while (p < end && q < size && chunk[p] === delimiter[q]) {
        p++;
        q++;
      }
      if (q === size || p === end) {
        const stop = withCr ? lf - 1 : lf;
        if (stop > runStart) emit(chunk.subarray(runStart, stop));
        if (q === size) {
          this.noCr = !withCr;
          return this.found(p);
        }
        this.open(q, !withCr);
        return -1;
      }
      from = lf + 1;
    }
  }

  /** The input ended: a carried candidate is content after all. */
  drain(emit: ContentEmit): void {
    if (this.matched > 0) this.release(emit);
  }

  private open(matched: number, noCr: boolean): void {
    this.matched = matched;
    this.noCr = noCr;
    this.virtual = 0;
  }

  private found(next: number): number {
    this.bareLf = this.noCr;
    this.reset();
    return next;
  }

  /** The candidate failed: its real bytes are content after all. */
  private release(emit: ContentEmit): void {
    const from = Math.max(this.noCr ? 1 : 0, this.virtual);
    if (this.matched > from) emit(this.delimiter.subarray(from, this.matched));
    this.reset();
  }
}
