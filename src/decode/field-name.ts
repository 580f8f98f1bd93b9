/**
 * Field names as the sink sees them: decoded bytes, capped at NAME_CAP_BYTES, turned into a
 * string once per change. A name is traffic data (it goes to security events, never to metric
 * labels), so the cap bounds both memory and log size. A cut that falls inside a UTF-8 sequence
 * drops the partial sequence instead of producing U+FFFD at the end.
 */

/** Longest field name handed to a sink, in bytes of UTF-8. */
export const NAME_CAP_BYTES = 256;

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Length of `bytes[0..len)` without a trailing UTF-8 sequence that the cap cut short. */
function completeLength(bytes: Uint8Array, len: number): number {
  let k = len - 1;
  const floor = Math.max(0, len - 4);
  while (k >= floor && ((bytes[k] as number) & 0xc0) === 0x80) k--;
  if (k < floor) return len;
  const lead = bytes[k] as number;
  const size = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 1;
  return len - k < size && lead <= 0xf4 ? k : len;
}

/** UTF-8 to string; short ASCII names (the common case) skip the TextDecoder call. */
function decodeName(bytes: Uint8Array): string {
  let ascii = true;
  for (let k = 0; k < bytes.length; k++) {
    if ((bytes[k] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return utf8.decode(bytes);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** A name under construction, appended from decoded byte runs. */
export class NameBuffer {
  private readonly buf: Uint8Array;
  private len = 0;
  /** Bytes were dropped at the cap since the last truncate. */
  private capped = false;
  private cached: string | undefined = "";

  constructor(cap: number = NAME_CAP_BYTES) {
    this.buf = new Uint8Array(cap);
  }

  get length(): number {
    return this.len;
  }

  /** Appends as much of `bytes` as fits under the cap. */
  append(bytes: Uint8Array): void {
    const n = Math.min(bytes.length, this.buf.length - this.len);
    if (n < bytes.length) this.markCapped();
    if (n <= 0) return;
    this.buf.set(n === bytes.length ? bytes : bytes.subarray(0, n), this.len);
    this.len += n;
    this.cached = undefined;
  }

  /** Appends an ASCII separator such as "." or "[]". */
  appendAscii(text: string): void {
    for (let k = 0; k < text.length; k++) {
      if (this.len === this.buf.length) {
        this.markCapped();
        return;
      }
      this.buf[this.len++] = text.charCodeAt(k);
      this.cached = undefined;
    }
  }

  /** Cuts the name back to `len` bytes (a length returned by `length` earlier). */
  truncate(len: number): void {
    if (len >= this.len) return;
    this.len = len;
    this.capped = false;
    this.cached = undefined;
  }

  clear(): void {
    this.truncate(0);
  }

  private markCapped(): void {
    if (this.capped) return;
    this.capped = true;
    this.cached = undefined;
  }

  /** The name as a string; cached until the bytes change. */
  toString(): string {
    if (this.cached === undefined) {
      const len = this.capped ? completeLength(this.buf, this.len) : this.len;
      this.cached = decodeName(this.buf.subarray(0, len));
    }
    return this.cached;
  }
}
