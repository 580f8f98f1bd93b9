/**
 * Streaming transcoders from the non-UTF-8 charsets weir knows to UTF-8, so that field decoders
 * and signatures see the text the backend decodes (I4). Each is a Transform with explicit carry:
 * nothing for the single-byte charsets (Latin-1, windows-1252, the EBCDIC pages), one byte and
 * a high surrogate for UTF-16, the shift state for UTF-7 (utf7.ts), and iconv-lite's own decoder state (a partial multi-byte
 * character, a UTF-7 shift sequence) for the rest. Malformed input follows the WHATWG Encoding
 * rules for UTF-16 (a lone surrogate or an odd trailing byte becomes U+FFFD) and iconv-lite's
 * for the others (U+FFFD as well).
 *
 * iso-8859-1 is decoded as real Latin-1 (byte = code point, as Java, .NET and Python do), not as
 * windows-1252 the way WHATWG relabels it; windows-1252 has its own table for 0x80-0x9F.
 *
 * Whether a charset needs the whole body transcoded before the field decoder, or each field
 * after it, is the caller's choice (content-type.ts: forms are split on ASCII bytes first, as
 * ASP.NET does, see `asciiCompatible`).
 */
import iconv from "iconv-lite";
import { type IconvKind, iconvCodec, type KnownCharset } from "./charset.js";
import { EBCDIC_PAGES, ebcdicTable } from "./ebcdic-tables.js";
import { type Emit, OutputBatch } from "./output-batch.js";
import type { BodyDecoder, Transform } from "./types.js";
import { SurrogateJoiner } from "./unicode.js";
import { Utf7Transcoder } from "./utf7.js";

/** windows-1252 code points for bytes 0x80-0x9F (WHATWG index; unassigned bytes map to C1). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Latin-1 and windows-1252: one byte is one code point; ASCII runs pass as views. */
class SingleByteTranscoder implements Transform {
  private readonly out = new OutputBatch();

  constructor(private readonly windows1252: boolean) {}

  push(input: Uint8Array, emit: Emit): void {
    let run = 0;
    for (let i = 0; i < input.length; i++) {
      const b = input[i] as number;
      if (b < 0x80) continue;
      this.out.run(input, run, i, emit);
      const cp = this.windows1252 && b < 0xa0 ? (CP1252_HIGH[b - 0x80] as number) : b;
      this.out.codePoint(cp, emit);
      run = i + 1;
    }
    this.out.run(input, run, input.length, emit);
    this.out.flush(emit);
  }

  flush(emit: Emit): void {
    this.out.flush(emit);
  }
}

const LE = 0;
const BE = 1;
const FROM_BOM = 2; // "utf-16": the byte order mark decides, little-endian without one

/** UTF-16 in either byte order; carries an odd byte and a high surrogate between pushes. */
class Utf16Transcoder implements Transform {
  private readonly out = new OutputBatch();
  private readonly joiner = new SurrogateJoiner();
  private order: number;
  private readonly initialOrder: number;
  private odd = -1;
  private atStart = true;

  constructor(order: number) {
    this.order = order;
    this.initialOrder = order;
  }

  push(input: Uint8Array, emit: Emit): void {
    for (let i = 0; i < input.length; i++) {
      const b = input[i] as number;
      if (this.odd < 0) {
        this.odd = b;
        continue;
      }
      const first = this.odd;
      this.odd = -1;
      if (this.atStart) {
        this.atStart = false;
        if (this.startsWithBom(first, b)) continue;
      }
      const unit = this.order === BE ? (first << 8) | b : (b << 8) | first;
      this.joiner.unit(unit, this.out, emit);
    }
    this.out.flush(emit);
  }

  flush(emit: Emit): void {
    // A cut-short unit or a waiting high surrogate at the end is one error (WHATWG).
    if (this.joiner.waiting || this.odd >= 0) this.out.codePoint(0xfffd, emit);
    this.joiner.reset();
    this.out.flush(emit);
    this.odd = -1;
    this.atStart = true;
    this.order = this.initialOrder;
  }

  /** A leading byte order mark is dropped; for "utf-16" it also picks the byte order. */
  private startsWithBom(first: number, second: number): boolean {
    const le = first === 0xff && second === 0xfe;
    const be = first === 0xfe && second === 0xff;
    if (this.order === FROM_BOM) {
      this.order = be ? BE : LE;
      return le || be;
    }
    return this.order === LE ? le : be;
  }
}

/** A single-byte page with a full table (EBCDIC): every byte maps, ASCII included. */
class TableTranscoder implements Transform {
  private readonly out = new OutputBatch();

  constructor(private readonly table: Uint16Array) {}

  push(input: Uint8Array, emit: Emit): void {
    const table = this.table;
    for (let i = 0; i < input.length; i++) {
      this.out.codePoint(table[input[i] as number] as number, emit);
    }
    this.out.flush(emit);
  }

  flush(emit: Emit): void {
    this.out.flush(emit);
  }
}

/**
 * Any other charset, decoded by iconv-lite's stateless `decode` on segments cut where no
 * character can continue. iconv-lite's streaming decoders are not used: split before an invalid
 * trail byte, its DBCS decoder drops a character the whole-body decode keeps. A single-byte
 * charset can be cut anywhere; a DBCS one (Shift_JIS, GBK, GB18030, Big5, EUC) only after a byte
 * below 0x30, which none of them uses inside a multi-byte character. A run of more than
 * MAX_DBCS_CARRY bytes without such a byte is cut at that length, which depends on the content
 * only, so the text is the same however the body was chunked.
 */
class IconvTranscoder implements Transform {
  private readonly carry: Uint8Array;
  private carryLength = 0;

  constructor(
    private readonly label: string,
    private readonly kind: IconvKind,
  ) {
    this.carry = new Uint8Array(kind === "dbcs" ? MAX_DBCS_CARRY : 0);
  }

  push(input: Uint8Array, emit: Emit): void {
    if (this.kind === "sbcs") {
      this.decode(input, emit);
      return;
    }
    let from = 0;
    while (from < input.length) {
      let cut = -1;
      const stop = Math.min(input.length, from + this.carry.length - this.carryLength);
      for (let i = stop - 1; i >= from; i--) {
        if ((input[i] as number) < 0x30) {
          cut = i + 1;
          break;
        }
      }
      if (cut < 0) {
        this.carry.set(input.subarray(from, stop), this.carryLength);
        this.carryLength += stop - from;
        from = stop;
        if (this.carryLength === this.carry.length) this.release(emit);
        continue;
      }
      this.carry.set(input.subarray(from, cut), this.carryLength);
      this.carryLength += cut - from;
      this.release(emit);
      from = cut;
    }
  }

  flush(emit: Emit): void {
    this.release(emit);
  }

  private release(emit: Emit): void {
    if (this.carryLength === 0) return;
    this.decode(this.carry.subarray(0, this.carryLength), emit);
    this.carryLength = 0;
  }

  private decode(bytes: Uint8Array, emit: Emit): void {
    if (bytes.length === 0) return;
    const text = iconv.decode(bytes, this.label, { stripBOM: false });
    if (text.length > 0) emit(Buffer.from(text, "utf8"));
  }
}

/** Longest DBCS run held while waiting for a byte where a character must end. */
const MAX_DBCS_CARRY = 4096;

const ICONV_PREFIX = "iconv:";

/** EBCDIC tables, built on first use and shared (they are immutable). */
const tables = new Map<string, Uint16Array>();

function tableFor(page: string): Uint16Array {
  let table = tables.get(page);
  if (table === undefined) {
    table = ebcdicTable(page);
    tables.set(page, table);
  }
  return table;
}

/** The transcoder for a charset, or undefined when its bytes already are UTF-8 (or ASCII). */
export function transcoderFor(charset: KnownCharset): Transform | undefined {
  switch (charset) {
    case "utf-8":
    case "us-ascii":
      return undefined;
    case "iso-8859-1":
      return new SingleByteTranscoder(false);
    case "windows-1252":
      return new SingleByteTranscoder(true);
    case "utf-16le":
      return new Utf16Transcoder(LE);
    case "utf-16be":
      return new Utf16Transcoder(BE);
    case "utf-16":
      return new Utf16Transcoder(FROM_BOM);
    case "utf-7":
      return new Utf7Transcoder();
  }
  if (EBCDIC_PAGES.includes(charset)) return new TableTranscoder(tableFor(charset));
  if (charset.startsWith(ICONV_PREFIX)) {
    const label = charset.slice(ICONV_PREFIX.length);
    const codec = iconvCodec(label);
    if (codec !== undefined) return new IconvTranscoder(label, codec.kind);
  }
  throw new Error(`no transcoder for charset "${charset}"`);
}

/**
 * True when the charset writes ASCII as ASCII bytes, so `&`, `=` and `%` can be found before
 * decoding (Latin-1, windows-125x, Shift_JIS, GBK ...); false for UTF-16, UTF-32, UTF-7 and
 * EBCDIC, whose bytes mean something else until decoded.
 */
export function asciiCompatible(charset: KnownCharset): boolean {
  if (charset.startsWith("utf-16") || charset === "utf-7" || EBCDIC_PAGES.includes(charset)) {
    return false;
  }
  if (!charset.startsWith(ICONV_PREFIX)) return true;
  const probe = "a=%&+;";
  const label = charset.slice(ICONV_PREFIX.length);
  return iconv.decode(Buffer.from(probe, "latin1"), label) === probe;
}

/** A body decoder fed with the body transcoded to UTF-8. */
export class TranscodingDecoder implements BodyDecoder {
  private readonly emit: Emit;

  constructor(
    private readonly transcoder: Transform,
    private readonly inner: BodyDecoder,
  ) {
    this.emit = (bytes) => inner.write(bytes);
  }

  write(chunk: Uint8Array): void {
    this.transcoder.push(chunk, this.emit);
  }

  end(): void {
    this.transcoder.flush(this.emit);
    this.inner.end();
  }
}
