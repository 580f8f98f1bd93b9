/**
 * XML request bodies (application/xml, text/xml, any `+xml` type, and sniffed ones): finds the
 * encoding the way an XML parser does, then streams UTF-8 into the tokenizer
 * (xml-tokenizer.ts, which says which fields come out).
 *
 * Encoding (XML 1.0 appendix F, RFC 7303): a Content-Type charset wins and the caller has
 * already transcoded the body (the XML declaration must then agree with it, or the parser
 * that reads the declaration instead reads other text: "protocol"/xml_encoding, when the
 * declared charset does not write ASCII as ASCII). Without one,
 * the first bytes decide the family (a UTF-8 or UTF-16 byte order mark, `<?` in UTF-16 or in
 * EBCDIC, else UTF-8) and the declaration's `encoding` names the charset within it. Both go
 * through the charset allowlist like a declared Content-Type charset (charset_not_allowed),
 * and a charset weir knows is decoded as declared either way (charset.ts). A declaration that
 * contradicts the bytes (UTF-16 named in an ASCII document) is xml_encoding and the bytes are
 * read as their family.
 *
 * Only the start is held: at most DECLARATION_WINDOW bytes until the declaration's `?>`.
 */
import { type CharsetPolicy, type KnownCharset, knownCharset } from "./charset.js";
import { asciiCompatible, transcoderFor } from "./charset-transcode.js";
import { EBCDIC_PAGES } from "./ebcdic-tables.js";
import type { Emit } from "./output-batch.js";
import type { BodyDecoder, FieldSink, Transform } from "./types.js";
import { type XmlDecoderOptions, XmlTokenizer } from "./xml-tokenizer.js";

export type { XmlDecoderOptions } from "./xml-tokenizer.js";

/** Bytes held at the start while looking for the end of an XML declaration. */
export const DECLARATION_WINDOW = 512;

export interface XmlCharsetContext {
  /** The charset policy (allowlist); absent: declared encodings are read but not checked. */
  readonly policy?: CharsetPolicy;
  /**
   * The body had a Content-Type charset and was transcoded from it before this decoder: the
   * charset it named (undefined when weir could not read it). Absent: no charset parameter.
   */
  readonly contentTypeCharset?: KnownCharset | undefined;
  readonly hasContentTypeCharset?: boolean;
}

interface Family {
  /** The charset the first bytes show. */
  readonly charset: KnownCharset;
  /** Bytes of a byte order mark to drop. */
  readonly bom: number;
  /** Bytes per ASCII character of the declaration. */
  readonly width: number;
}

const UTF8: Family = { charset: "utf-8", bom: 0, width: 1 };

/** XML 1.0 appendix F, the families weir reads (UTF-32 and UCS-4 are read as UTF-8). */
function detectFamily(b: Uint8Array, length: number): Family {
  const at = (k: number): number => (k < length ? (b[k] as number) : -1);
  if (at(0) === 0xef && at(1) === 0xbb && at(2) === 0xbf) return { ...UTF8, bom: 3 };
  if (at(0) === 0xfe && at(1) === 0xff) return { charset: "utf-16be", bom: 2, width: 2 };
  if (at(0) === 0xff && at(1) === 0xfe) return { charset: "utf-16le", bom: 2, width: 2 };
  if (at(0) === 0x00 && at(1) === 0x3c && at(2) === 0x00 && at(3) === 0x3f) {
    return { charset: "utf-16be", bom: 0, width: 2 };
  }
  if (at(0) === 0x3c && at(1) === 0x00 && at(2) === 0x3f && at(3) === 0x00) {
    return { charset: "utf-16le", bom: 0, width: 2 };
  }
  if (at(0) === 0x4c && at(1) === 0x6f && at(2) === 0xa7 && at(3) === 0x94) {
    return { charset: "ibm037", bom: 0, width: 1 };
  }
  return UTF8;
}

const ENCODING = /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/;

const HOLDING = 0;
const STREAMING = 1;
const ENDED = 2;

export class XmlDecoder implements BodyDecoder {
  private readonly tokenizer: XmlTokenizer;
  private readonly held = new Uint8Array(DECLARATION_WINDOW);
  private heldLength = 0;
  private phase = HOLDING;
  private transcoder: Transform | undefined;
  private readonly feed: Emit;

  constructor(
    private readonly sink: FieldSink,
    options: XmlDecoderOptions = {},
    private readonly context: XmlCharsetContext = {},
  ) {
    this.tokenizer = new XmlTokenizer(sink, options);
    this.feed = (bytes) => this.tokenizer.write(bytes);
  }

  write(chunk: Uint8Array): void {
    if (this.phase === ENDED) throw new Error("XML decoder: write() after end()");
    if (this.phase === STREAMING) {
      this.stream(chunk);
      return;
    }
    const take = Math.min(chunk.length, this.held.length - this.heldLength);
    this.held.set(chunk.subarray(0, take), this.heldLength);
    this.heldLength += take;
    if (!this.decide(this.heldLength === this.held.length)) return;
    if (take < chunk.length) this.stream(chunk.subarray(take));
  }

  end(): void {
    if (this.phase === ENDED) return;
    if (this.phase === HOLDING) this.decide(true);
    this.transcoder?.flush(this.feed);
    this.phase = ENDED;
    this.tokenizer.end();
  }

  private stream(bytes: Uint8Array): void {
    if (this.transcoder === undefined) this.tokenizer.write(bytes);
    else this.transcoder.push(bytes, this.feed);
  }

  /** Decides the encoding from the held start if it can; true once streaming. */
  private decide(final: boolean): boolean {
    const held = this.held.subarray(0, this.heldLength);
    if (this.context.hasContentTypeCharset === true) {
      // Already transcoded from the Content-Type charset: only check the declaration agrees.
      const declaration = this.declaration(held, UTF8, final);
      if (declaration === undefined) return false;
      // A parser that follows the declaration instead reads other text only if that charset
      // does not write ASCII as ASCII (UTF-7, UTF-16, EBCDIC); Latin-1 against UTF-8 differs
      // in non-ASCII letters only, which sloppy clients send every day.
      const declared =
        declaration.label === undefined ? undefined : knownCharset(declaration.label);
      if (
        declared !== undefined &&
        declared !== this.context.contentTypeCharset &&
        !asciiCompatible(declared)
      ) {
        this.sink.anomaly(
          "protocol",
          "xml_encoding",
          "the XML declaration names another encoding than the Content-Type charset",
        );
      }
      return this.start(held, 0, held.length, undefined, undefined);
    }
    if (held.length < 4 && !final) return false;
    const family = detectFamily(held, held.length);
    const declaration = this.declaration(held, family, final);
    if (declaration === undefined) return false;
    const charset = this.chooseCharset(family, declaration.label);
    const base = family.charset === "utf-8" ? undefined : transcoderFor(family.charset);
    const rest = charset === family.charset ? base : transcoderFor(charset);
    return this.start(held, family.bom, declaration.end, base, rest);
  }

  /**
   * The XML declaration at the start of the held bytes, read in the family's units: its
   * `encoding` label and the raw offset just past its `?>` (the BOM when there is none).
   * Undefined while more bytes are needed.
   */
  private declaration(
    held: Uint8Array,
    family: Family,
    final: boolean,
  ): { label: string | undefined; end: number } | undefined {
    const text = asciiText(held, family);
    const none = { label: undefined, end: family.bom };
    if (text.length < 5) return final ? none : undefined;
    if (!text.startsWith("<?xml") || !/[\s?]/.test(text.charAt(5) || " ")) return none;
    const close = text.indexOf("?>");
    if (close < 0) return final || held.length === this.held.length ? none : undefined;
    const match = ENCODING.exec(text.slice(0, close));
    return { label: match?.[1] ?? match?.[2], end: family.bom + (close + 2) * family.width };
  }

  /** The charset to read the rest in; anomalies for a refused or contradicting declaration. */
  private chooseCharset(family: Family, label: string | undefined): KnownCharset {
    const policy = this.context.policy;
    const where = label === undefined ? "the XML byte order mark" : "the XML declaration";
    const declared =
      label === undefined
        ? family.charset
        : policy === undefined
          ? knownCharset(label)
          : policy.check(label, this.sink, "charset_not_allowed", where);
    if (label === undefined && family.charset !== "utf-8") {
      policy?.check(family.charset, this.sink, "charset_not_allowed", where);
    }
    if (declared === undefined) return family.charset;
    // UTF-7 writes its declaration in ASCII, so it belongs to the UTF-8 family of first bytes.
    const fits =
      family.charset === "utf-8"
        ? asciiCompatible(declared) || declared === "utf-7"
        : family.width === 2
          ? declared.startsWith("utf-16")
          : EBCDIC_PAGES.includes(declared);
    if (!fits) {
      this.sink.anomaly(
        "protocol",
        "xml_encoding",
        `the XML declaration names an encoding the document's first bytes contradict`,
      );
      return family.charset;
    }
    return family.width === 2 ? family.charset : declared;
  }

  /** Feeds the held declaration (read in the family) and switches to the rest's transcoder. */
  private start(
    held: Uint8Array,
    from: number,
    declarationEnd: number,
    base: Transform | undefined,
    rest: Transform | undefined,
  ): true {
    this.phase = STREAMING;
    const head = held.subarray(from, declarationEnd);
    if (base === undefined) {
      if (head.length > 0) this.tokenizer.write(head);
    } else {
      base.push(head, this.feed);
      if (base !== rest) base.flush(this.feed);
    }
    this.transcoder = rest;
    const tail = held.slice(declarationEnd);
    this.heldLength = 0;
    if (tail.length > 0) this.stream(tail);
    return true;
  }
}

/** The held bytes as ASCII text in the family's units (enough to read a declaration). */
function asciiText(held: Uint8Array, family: Family): string {
  const transcoder = family.charset === "utf-8" ? undefined : transcoderFor(family.charset);
  const body = held.subarray(family.bom);
  if (transcoder === undefined) return Buffer.from(body).toString("latin1");
  const parts: Buffer[] = [];
  const collect: Emit = (bytes) => {
    parts.push(Buffer.from(bytes));
  };
  transcoder.push(body, collect);
  return Buffer.concat(parts).toString("latin1");
}
