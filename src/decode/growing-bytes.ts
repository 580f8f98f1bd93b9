/**
 * A byte buffer that grows on demand and is never shrunk, for the process-wide scratch buffers
 * that collect one value (or one call's output) and are read before the next use: transformed
 * short values in the block and stream scanners, and the redaction rewriter's output. Each
 * owner fills it and reads `view()` within one synchronous call, so one buffer per purpose
 * serves every exchange of the process.
 */
export class GrowingBytes {
  #buffer: Uint8Array;
  #length = 0;

  constructor(initialBytes: number) {
    this.#buffer = new Uint8Array(initialBytes);
  }

  get length(): number {
    return this.#length;
  }

  /** Appends `bytes`; bound, so it can be handed on as a sink. */
  readonly append = (bytes: Uint8Array): void => {
    const at = this.#reserve(bytes.length);
    this.#buffer.set(bytes, at);
  };

  /** Appends `count` copies of `byte`. */
  fill(byte: number, count: number): void {
    const at = this.#reserve(count);
    this.#buffer.fill(byte, at, at + count);
  }

  /** The bytes appended since the last clear (valid until the next append or clear). */
  view(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  clear(): void {
    this.#length = 0;
  }

  /** Makes room for `n` more bytes; returns where they go. */
  #reserve(n: number): number {
    const at = this.#length;
    const needed = at + n;
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, at));
      this.#buffer = grown;
    }
    this.#length = needed;
    return at;
  }
}
