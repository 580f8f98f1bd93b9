/**
 * Why this exists: decoders produce output in two shapes, long runs of input bytes that need no
 * change and single decoded bytes (escapes, folded whitespace). Handing each decoded byte to the
 * sink alone would cost one call per byte; copying every run would cost a copy per byte. The
 * batch copies short runs and decoded bytes into one reused scratch buffer and passes long runs
 * through as views of the input, flushing the scratch first so order is kept.
 */

/** Receives decoded bytes; the view is only valid until the callback returns. */
export type Emit = (bytes: Uint8Array) => void;

/** Runs up to this length are copied into the scratch buffer instead of emitted as views. */
const INLINE_RUN_BYTES = 32;

/** Default scratch size: bounds per-decoder memory and the size of one emitted batch. */
export const DEFAULT_BATCH_BYTES = 2048;

/** First allocation of a scratch buffer; it doubles up to the capacity as output needs. */
const INITIAL_BATCH_BYTES = 128;
const EMPTY = new Uint8Array(0);

export class OutputBatch {
  /** Allocated on first output and grown on demand: most transforms of an exchange held in
   * flight never write, or write a few bytes, so they should not each carry `capacity`. */
  private buf: Uint8Array = EMPTY;
  private len = 0;
  private readonly capacity: number;

  constructor(capacity: number = DEFAULT_BATCH_BYTES) {
    this.capacity = Math.max(capacity, 8);
  }

  /** Makes room for `n` more bytes: grows up to the capacity, else flushes. */
  private room(n: number, emit: Emit): void {
    if (this.len + n <= this.buf.length) return;
    if (this.buf.length < this.capacity) {
      let size = Math.max(this.buf.length * 2, INITIAL_BATCH_BYTES);
      while (size < this.len + n) size *= 2;
      const grown = new Uint8Array(Math.min(size, this.capacity));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
      if (this.len + n <= this.buf.length) return;
    }
    this.flush(emit);
  }

  /** Bytes waiting in the scratch buffer. */
  get pending(): number {
    return this.len;
  }

  /** Input bytes `src[start..end)` that pass unchanged. */
  run(src: Uint8Array, start: number, end: number, emit: Emit): void {
    const n = end - start;
    if (n <= 0) return;
    if (n <= INLINE_RUN_BYTES) {
      this.room(n, emit);
      const buf = this.buf;
      let len = this.len;
      for (let k = start; k < end; k++) buf[len++] = src[k] as number;
      this.len = len;
      return;
    }
    this.flush(emit);
    emit(src.subarray(start, end));
  }

  /** One decoded byte. */
  byte(b: number, emit: Emit): void {
    if (this.len === this.buf.length) this.room(1, emit);
    this.buf[this.len++] = b;
  }

  /** Constant bytes (a literal or a replacement), copied. */
  bytes(src: Uint8Array, emit: Emit): void {
    for (let k = 0; k < src.length; k++) this.byte(src[k] as number, emit);
  }

  /** A Unicode code point, written as UTF-8 (the caller has already mapped invalid ones). */
  codePoint(cp: number, emit: Emit): void {
    this.room(4, emit);
    const buf = this.buf;
    if (cp < 0x80) {
      buf[this.len++] = cp;
    } else if (cp < 0x800) {
      buf[this.len++] = 0xc0 | (cp >> 6);
      buf[this.len++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      buf[this.len++] = 0xe0 | (cp >> 12);
      buf[this.len++] = 0x80 | ((cp >> 6) & 0x3f);
      buf[this.len++] = 0x80 | (cp & 0x3f);
    } else {
      buf[this.len++] = 0xf0 | (cp >> 18);
      buf[this.len++] = 0x80 | ((cp >> 12) & 0x3f);
      buf[this.len++] = 0x80 | ((cp >> 6) & 0x3f);
      buf[this.len++] = 0x80 | (cp & 0x3f);
    }
  }

  /** Hand everything in the scratch buffer to `emit`. */
  flush(emit: Emit): void {
    const n = this.len;
    if (n === 0) return;
    this.len = 0;
    emit(this.buf.subarray(0, n));
  }

  /** Drop pending bytes (a decoder reset). */
  clear(): void {
    this.len = 0;
  }
}
