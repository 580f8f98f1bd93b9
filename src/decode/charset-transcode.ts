/**
 * Streaming transcoders from the allowed non-UTF-8 charsets to UTF-8, so that field decoders
 * and signatures see the text the backend decodes (I4). Each is a Transform with explicit carry:
 * nothing for the single-byte charsets, one byte and a high surrogate for UTF-16. Malformed
 * input follows the WHATWG Encoding rules (what TextDecoder does): a lone surrogate or an odd
 * trailing byte becomes U+FFFD.
 *
 * iso-8859-1 is decoded as real Latin-1 (byte = code point, as Java, .NET and Python do), not as
 * windows-1252 the way WHATWG relabels it; windows-1252 has its own table for 0x80-0x9F.
 */
import type { KnownCharset } from "./charset.js";
import { type Emit, OutputBatch } from "./output-batch.js";
import type { BodyDecoder, Transform } from "./types.js";
import { SurrogateJoiner } from "./unicode.js";

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
  }
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
