/**
 * A body without a usable Content-Type (missing, empty over HTTP/2, unparseable, or a type weir
 * has no decoder for) still reaches an application that may parse it anyway: frameworks sniff,
 * or parse by route (shared case 17). The SniffingDecoder holds at most `maxSniffBytes` of the
 * body's start (default 512), picks a decoder from the first bytes after whitespace:
 *   `{` or `[`                  JSON
 *   `--` + a valid boundary line multipart/form-data with that boundary
 *   name characters then `=`     application/x-www-form-urlencoded
 *   `<?xml`, `<!DOCTYPE`, `<!--` or `<` and a name start  XML (a UTF-8 or UTF-16 byte order
 *                                mark, or `<?` in UTF-16, too)
 * then replays the held bytes into it and forwards the rest; otherwise the body gets only the
 * raw scan. A sniffed decoder's "protocol" anomalies are dropped: the client never claimed the
 * format, so a text body that merely starts with `{` must not be blocked as broken JSON.
 * "limits" anomalies still pass (they protect weir, not the format).
 */
import { MAX_BOUNDARY_LENGTH } from "./multipart-boundary.js";
import type { AnomalyKind, BodyDecoder, FieldSink, FieldTarget } from "./types.js";

export interface SniffOptions {
  /** Bytes held while deciding. Default 512. */
  readonly maxSniffBytes?: number;
}

export const DEFAULT_MAX_SNIFF_BYTES = 512;

export type Sniffed =
  | { readonly kind: "json" }
  | { readonly kind: "form" }
  | { readonly kind: "multipart"; readonly boundary: Uint8Array }
  | { readonly kind: "xml" };

/** Builds the decoder for what was sniffed (undefined: not decoded after all). */
export type SniffedDecoderFactory = (sniffed: Sniffed, sink: FieldSink) => BodyDecoder | undefined;

const UNDECIDED = 0;
const DECIDED = 1;
const ENDED = 2;

const CR = 0x0d;
const LF = 0x0a;

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === CR || b === LF;
}

/** Characters of a form field name as clients send it (percent escapes and brackets included). */
function isNameByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    b === 0x5f || // _
    b === 0x2d || // -
    b === 0x2e || // .
    b === 0x25 || // %
    b === 0x5b || // [
    b === 0x5d || // ]
    b === 0x2b // +
  );
}

/** RFC 2046 bchars without the space (a sniffed boundary line must be unambiguous). */
function isBoundaryByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    "'()+_,-./:=?".includes(String.fromCharCode(b))
  );
}

/**
 * Decides from `buf[0..len)`: a Sniffed value, null when the body is none of the formats, or
 * undefined when more bytes are needed.
 */
export function sniff(buf: Uint8Array, len: number): Sniffed | null | undefined {
  const marked = sniffXmlMark(buf, len);
  if (marked !== null) return marked;
  let i = 0;
  while (i < len && isWhitespace(buf[i] as number)) i++;
  if (i === len) return undefined;
  const first = buf[i] as number;
  if (first === 0x7b || first === 0x5b) return { kind: "json" };
  if (first === 0x3c) return sniffXml(buf, i, len);
  if (first === 0x2d) {
    if (i + 1 === len) return undefined;
    if (buf[i + 1] !== 0x2d) return sniffForm(buf, i, len);
    const start = i + 2;
    let k = start;
    while (k < len && isBoundaryByte(buf[k] as number)) k++;
    if (k === len) return k - start > MAX_BOUNDARY_LENGTH ? null : undefined;
    const length = k - start;
    const lineEnd = buf[k] === LF || (buf[k] === CR && (k + 1 === len || buf[k + 1] === LF));
    if (buf[k] === CR && k + 1 === len) return undefined;
    if (length === 0 || length > MAX_BOUNDARY_LENGTH || !lineEnd) return null;
    return { kind: "multipart", boundary: buf.slice(start, k) };
  }
  return sniffForm(buf, i, len);
}

/** Byte order marks and UTF-16 `<?` at the very start: XML in another encoding family. */
function sniffXmlMark(buf: Uint8Array, len: number): Sniffed | null | undefined {
  const b0 = buf[0];
  const b1 = buf[1];
  if (len === 0) return null;
  if (b0 === 0xfe || b0 === 0xff || b0 === 0x00 || b0 === 0xef) {
    if (len < 4) return undefined;
    const b2 = buf[2];
    const b3 = buf[3];
    const bom8 = b0 === 0xef && b1 === 0xbb && b2 === 0xbf && b3 === 0x3c;
    const bom16 = (b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe);
    const be16 = b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f;
    if (bom8 || bom16 || be16) return { kind: "xml" };
  }
  if (b0 === 0x3c && len >= 4 && b1 === 0x00 && buf[2] === 0x3f && buf[3] === 0x00) {
    return { kind: "xml" };
  }
  return null;
}

/** After a `<`: a declaration, DOCTYPE, comment or element name start reads as XML. */
function sniffXml(buf: Uint8Array, from: number, len: number): Sniffed | null | undefined {
  const next = from + 1 < len ? (buf[from + 1] as number) : -1;
  if (next < 0) return undefined;
  const isNameStart =
    (next >= 0x61 && next <= 0x7a) || (next >= 0x41 && next <= 0x5a) || next === 0x5f;
  if (isNameStart || next === 0x3f || next === 0x21) return { kind: "xml" };
  return null;
}

function sniffForm(buf: Uint8Array, from: number, len: number): Sniffed | null | undefined {
  for (let k = from; k < len; k++) {
    const b = buf[k] as number;
    if (b === 0x3d) return k > from ? { kind: "form" } : null;
    if (!isNameByte(b)) return null;
  }
  return undefined;
}

/** Passes fields and "limits" anomalies; drops "protocol" anomalies of a sniffed format. */
class SniffedSink implements FieldSink {
  constructor(private readonly inner: FieldSink) {}
  fieldStart(target: FieldTarget, name: string): void {
    this.inner.fieldStart(target, name);
  }
  fieldData(bytes: Uint8Array): void {
    this.inner.fieldData(bytes);
  }
  fieldEnd(): void {
    this.inner.fieldEnd();
  }
  anomaly(kind: AnomalyKind, code: string, detail: string): void {
    if (kind !== "protocol") this.inner.anomaly(kind, code, detail);
  }
}

export class SniffingDecoder implements BodyDecoder {
  private readonly held: Uint8Array;
  private heldLength = 0;
  private state = UNDECIDED;
  private decoder: BodyDecoder | undefined;
  private readonly sink: FieldSink;

  constructor(
    sink: FieldSink,
    private readonly factory: SniffedDecoderFactory,
    options: SniffOptions = {},
  ) {
    const max = options.maxSniffBytes ?? DEFAULT_MAX_SNIFF_BYTES;
    if (!Number.isInteger(max) || max < 8 || max > 65536) {
      throw new RangeError(`maxSniffBytes must be an integer from 8 to 65536, got ${max}`);
    }
    this.held = new Uint8Array(max);
    this.sink = new SniffedSink(sink);
  }

  /** What was sniffed: a decoder was chosen (true), none fits (false), or undecided (undefined). */
  get decided(): boolean | undefined {
    return this.state === UNDECIDED ? undefined : this.decoder !== undefined;
  }

  write(chunk: Uint8Array): void {
    if (this.state === ENDED) throw new Error("sniffing decoder: write() after end()");
    if (this.state === DECIDED) {
      this.decoder?.write(chunk);
      return;
    }
    const take = Math.min(chunk.length, this.held.length - this.heldLength);
    this.held.set(chunk.subarray(0, take), this.heldLength);
    this.heldLength += take;
    const verdict = sniff(this.held, this.heldLength);
    if (verdict === undefined && this.heldLength < this.held.length) return;
    this.choose(verdict ?? null);
    if (take < chunk.length) this.decoder?.write(chunk.subarray(take));
  }

  end(): void {
    if (this.state === ENDED) return;
    if (this.state === UNDECIDED) this.choose(sniff(this.held, this.heldLength) ?? null);
    this.state = ENDED;
    this.decoder?.end();
    this.decoder = undefined;
  }

  private choose(verdict: Sniffed | null): void {
    this.state = DECIDED;
    this.decoder = verdict === null ? undefined : this.factory(verdict, this.sink);
    if (this.decoder !== undefined && this.heldLength > 0) {
      this.decoder.write(this.held.subarray(0, this.heldLength));
    }
    this.heldLength = 0;
  }
}
