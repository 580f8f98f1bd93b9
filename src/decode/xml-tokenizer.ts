/**
 * Streaming XML 1.0 tokenizer for request bodies, on UTF-8 bytes (xml.ts transcodes other
 * encodings first). It never builds a tree and never holds a text node, attribute value or
 * CDATA section: each is emitted as it streams, so memory per body is the nesting stack and a
 * few bytes of carry. It emits
 * - every element name as an `args_names` field named by its parent's path ("" for the root),
 * - every attribute name as an `args_names` field named by its element's path, and its value
 *   (references decoded, whitespace normalised as XML does) as an `args` field
 *   `root.user@id`,
 * - the character data of each element, between two tags, as one `args` field named by the
 *   element's path `root.user.name`: text, references and CDATA sections together (comments
 *   and processing instructions inside do not split it: `SEL<!---->ECT` is `SELECT`, as DOM's
 *   textContent reads it). Leading whitespace is dropped, so indentation makes no field; line
 *   ends are normalised to LF,
 * - internal entity values of a DOCTYPE as `args` fields `&name;` (xml-doctype.ts).
 * Element and attribute names keep their namespace prefixes; namespaces are not resolved.
 *
 * Well-formedness is checked strictly (a WAF must not read a document a parser refuses in some
 * lenient way): tag nesting and matching, one root, attribute syntax, references (undefined
 * entities without a DOCTYPE, invalid character references), `]]>` and control characters in
 * text, `--` in comments, the XML declaration only at the start. The first violation is
 * "protocol"/xml_syntax with the byte offset and what was expected; decoding stops there and
 * the raw body scan covers the rest. Nesting deeper than `maxDepth` is "limits"/xml_depth, more
 * than `maxFields` fields "limits"/xml_field_count; both stop decoding. Text that is not
 * well-formed UTF-8 is "protocol"/xml_utf8 once; decoding goes on with the bytes unchanged.
 * Not checked: duplicate attributes (both values are emitted) and end-tag names past 256 bytes
 * beyond their length.
 */
import { NameBuffer } from "./field-name.js";
import { describe } from "./json-string.js";
import { type Emit, OutputBatch } from "./output-batch.js";
import type { BodyDecoder, FieldSink, FieldTarget } from "./types.js";
import { Utf8Validator } from "./utf8-validator.js";
import {
  DOCTYPE_DONE,
  DOCTYPE_FAILED,
  type DoctypeHost,
  XmlDoctypeScanner,
} from "./xml-doctype.js";
import { XmlNesting } from "./xml-nesting.js";
import {
  isNameChar,
  isNameStart,
  REF_DONE,
  REF_FAILED,
  XmlReferenceReader,
} from "./xml-reference.js";

export interface XmlDecoderOptions {
  /** Deepest element nesting (the root alone has depth 1). Default 64. */
  readonly maxDepth?: number;
  /** Fields (names and values) decoded before the rest is skipped. Default 10000. */
  readonly maxFields?: number;
}

export const DEFAULT_MAX_XML_DEPTH = 64;
export const MAX_XML_DEPTH_LIMIT = 4096;
export const DEFAULT_MAX_XML_FIELDS = 10000;

// States.
const TEXT = 0; // character data (or whitespace outside the root)
const TEXT_REF = 1;
const LT = 2; // after "<"
const BANG = 3; // after "<!"
const COMMENT = 4;
const PI_TARGET = 5;
const PI_BODY = 6;
const CDATA = 7;
const DOCTYPE = 8;
const STAG_NAME = 9;
const TAG_SPACE = 10; // inside a start tag, between attributes
const EMPTY_SLASH = 11;
const ATTR_NAME = 12;
const ATTR_EQ = 13;
const ATTR_QUOTE = 14;
const ATTR_VALUE = 15;
const ATTR_REF = 16;
const ATTR_AFTER = 17;
const ETAG_START = 18;
const ETAG_NAME = 19;
const ETAG_SPACE = 20;
const STOPPED = 21;
const ENDED = 22;

const LF = 0x0a;
const CR = 0x0d;
const LT_BYTE = 0x3c;
const GT_BYTE = 0x3e;
const AMP = 0x26;
const RSQB = 0x5d;

// Byte classes in character data.
const PLAIN = 0;
const SPACE = 1;
const SPECIAL = 2; // < & CR ] >
const CONTROL = 3;
const HIGH = 4;

const CLASS = (() => {
  const table = new Uint8Array(256);
  for (let b = 0; b < 0x20; b++) table[b] = CONTROL;
  table[0x09] = SPACE;
  table[LF] = SPACE;
  table[0x20] = SPACE;
  for (const b of [LT_BYTE, AMP, CR, RSQB, GT_BYTE]) table[b] = SPECIAL;
  for (let b = 0x80; b < 0x100; b++) table[b] = HIGH;
  return table;
})();

const BANG_WORDS = ["--", "[CDATA[", "DOCTYPE"];

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === LF || b === CR;
}

export class XmlTokenizer implements BodyDecoder, DoctypeHost {
  private readonly sink: FieldSink;
  private readonly maxFields: number;
  private readonly nesting: XmlNesting;
  private readonly out = new OutputBatch();
  private readonly reference = new XmlReferenceReader(this.out);
  private readonly utf8 = new Utf8Validator();
  private readonly emitData: Emit;
  private readonly emitName: Emit;
  private readonly bang = new NameBuffer(8);
  private doctype: XmlDoctypeScanner | undefined;
  private state = TEXT;
  private fieldOpen = false;
  private textOpen = false;
  private fieldCount = 0;
  private rootSeen = false;
  private rootClosed = false;
  private doctypeSeen = false;
  /** Nothing but whitespace has been read. */
  private atStart = true;
  /** The current `<` is the body's first byte: only there may an XML declaration stand. */
  private ltAtStart = false;
  private crPending = false;
  private brackets = 0;
  private dashes = 0;
  private quote = 0;
  private sawSpace = false;
  private piTarget = "";
  private piQuestion = false;
  private utf8Reported = false;
  private consumed = 0;

  constructor(sink: FieldSink, options: XmlDecoderOptions = {}) {
    this.sink = sink;
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_XML_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_XML_DEPTH_LIMIT) {
      throw new RangeError(
        `XML maxDepth must be an integer from 1 to ${MAX_XML_DEPTH_LIMIT}, got ${maxDepth}`,
      );
    }
    this.maxFields = options.maxFields ?? DEFAULT_MAX_XML_FIELDS;
    if (!Number.isInteger(this.maxFields) || this.maxFields < 0) {
      throw new RangeError(`XML maxFields must be a non-negative integer, got ${this.maxFields}`);
    }
    this.nesting = new XmlNesting(maxDepth);
    this.emitData = (bytes) => sink.fieldData(bytes);
    this.emitName = (bytes) => sink.fieldData(bytes);
  }

  write(chunk: Uint8Array): void {
    if (this.state === ENDED) throw new Error("XML decoder: write() after end()");
    const n = chunk.length;
    let i = 0;
    while (i < n && this.state !== STOPPED) i = this.step(chunk, i, n);
    if (this.state !== STOPPED) this.out.flush(this.emitData);
    this.consumed += n;
  }

  end(): void {
    const state = this.state;
    if (state === ENDED) return;
    if (state !== STOPPED) {
      const complete = state === TEXT && (this.rootClosed || (!this.rootSeen && this.atStart));
      if (!complete) {
        this.doctype?.abort();
        this.fail(0, `unexpected end of body ${this.context()}`, this.consumed);
      }
    }
    this.state = ENDED;
  }

  // DoctypeHost
  openField(target: FieldTarget, name: string): boolean {
    if (this.fieldCount === this.maxFields) {
      this.fieldCount++;
      this.sink.anomaly(
        "limits",
        "xml_field_count",
        `more than ${this.maxFields} fields; the rest is not decoded`,
      );
      this.state = STOPPED;
      return false;
    }
    this.fieldCount++;
    this.sink.fieldStart(target, name);
    this.fieldOpen = true;
    return true;
  }

  fieldData(bytes: Uint8Array): void {
    this.sink.fieldData(bytes);
  }

  closeField(): void {
    if (!this.fieldOpen) return;
    this.out.flush(this.emitData);
    this.sink.fieldEnd();
    this.fieldOpen = false;
    this.textOpen = false;
  }

  anomaly(kind: "protocol" | "limits" | "xxe", code: string, detail: string): void {
    this.sink.anomaly(kind, code, detail);
  }

  private step(chunk: Uint8Array, i: number, n: number): number {
    const b = chunk[i] as number;
    switch (this.state) {
      case TEXT:
        return this.text(chunk, i, n);
      case TEXT_REF:
      case ATTR_REF:
        return this.referenceStep(chunk, i, n);
      case LT:
        return this.afterLt(b, i);
      case BANG:
        return this.afterBang(b, i);
      case COMMENT:
        return this.comment(chunk, i, n);
      case PI_TARGET:
        return this.piTargetStep(b, i);
      case PI_BODY:
        if (b === GT_BYTE && this.piQuestion) this.state = TEXT;
        this.piQuestion = b === 0x3f;
        return i + 1;
      case CDATA:
        return this.cdata(chunk, i, n);
      case DOCTYPE:
        return this.doctypeStep(chunk, i, n);
      case STAG_NAME:
      case ATTR_NAME:
      case ETAG_NAME:
        return this.name(chunk, i, n);
      case TAG_SPACE:
        return this.tagSpace(b, i);
      case EMPTY_SLASH:
        if (b !== GT_BYTE) return this.unexpected(b, i, "'>' after '/' in a tag");
        this.nesting.endAttributes();
        this.closeElement();
        return i + 1;
      case ATTR_EQ:
        if (isSpace(b)) return i + 1;
        if (b !== 0x3d) return this.unexpected(b, i, "'=' after an attribute name");
        this.state = ATTR_QUOTE;
        return i + 1;
      case ATTR_QUOTE:
        if (isSpace(b)) return i + 1;
        if (b !== 0x22 && b !== 0x27) return this.unexpected(b, i, "a quoted attribute value");
        this.quote = b;
        if (!this.openField("args", this.nesting.attributeValueName())) return i;
        this.utf8.reset();
        this.state = ATTR_VALUE;
        return i + 1;
      case ATTR_VALUE:
        return this.attributeValue(chunk, i, n);
      case ATTR_AFTER:
        if (isSpace(b)) {
          this.sawSpace = true;
          this.state = TAG_SPACE;
          return i + 1;
        }
        if (b !== GT_BYTE && b !== 0x2f) {
          return this.unexpected(b, i, "whitespace, '>' or '/' after an attribute value");
        }
        this.state = TAG_SPACE;
        return i;
      case ETAG_START:
        if (!isNameStart(b)) return this.unexpected(b, i, "an element name after '</'");
        this.nesting.beginEndTag();
        this.state = ETAG_NAME;
        return i;
      default: // ETAG_SPACE
        if (isSpace(b)) return i + 1;
        if (b !== GT_BYTE) return this.unexpected(b, i, "'>' to end an end tag");
        if (!this.nesting.endTagMatches()) {
          return this.fail(i, "an end tag that names the open element", this.consumed);
        }
        this.closeElement();
        return i + 1;
    }
  }

  /** Character data up to the next `<`, `&` or a byte that needs a decision. */
  private text(chunk: Uint8Array, i: number, n: number): number {
    const inside = this.nesting.depth > 0;
    let run = i;
    let j = i;
    if (this.crPending) {
      this.crPending = false;
      if (chunk[j] === LF) run = ++j;
    }
    for (; j < n; j++) {
      if (this.textOpen && !this.utf8.inSequence) {
        // The common case: a run of plain ASCII text or spaces inside an open field.
        const start = j;
        while (j < n && (CLASS[chunk[j] as number] as number) <= SPACE) j++;
        if (j > start) this.brackets = 0;
        if (j === n) break;
      }
      const b = chunk[j] as number;
      const kind = CLASS[b] as number;
      if (kind === PLAIN) {
        if (!this.textOpen && !this.openText(inside, b, j)) return j;
        this.brackets = 0;
        if (this.utf8.inSequence) this.checkUtf8(b, j);
        continue;
      }
      if (kind === SPACE) {
        if (!this.textOpen) run = j + 1;
        this.brackets = 0;
        if (this.utf8.inSequence) this.checkUtf8(b, j);
        continue;
      }
      if (kind === HIGH) {
        if (!this.textOpen && !this.openText(inside, b, j)) return j;
        this.brackets = 0;
        this.checkUtf8(b, j);
        continue;
      }
      if (kind === CONTROL) {
        this.emitRun(chunk, run, j);
        return this.unexpected(b, j, "a character XML allows in text");
      }
      // SPECIAL
      if (b === RSQB) {
        if (!this.textOpen && !this.openText(inside, b, j)) return j;
        this.brackets++;
        continue;
      }
      if (b === GT_BYTE) {
        if (this.brackets >= 2) {
          this.emitRun(chunk, run, j);
          return this.fail(j, "no ']]>' in text", this.consumed);
        }
        if (!this.textOpen && !this.openText(inside, b, j)) return j;
        this.brackets = 0;
        continue;
      }
      this.brackets = 0;
      if (b === CR) {
        if (!this.textOpen) {
          run = j + 1; // leading whitespace, like the LF that may follow
          continue;
        }
        this.out.run(chunk, run, j, this.emitData);
        this.out.byte(LF, this.emitData);
        run = j + 1;
        if (j + 1 < n) {
          if (chunk[j + 1] === LF) {
            run = j + 2;
            j++;
          }
        } else {
          this.crPending = true;
        }
        continue;
      }
      // "<" or "&"
      if (this.textOpen) this.out.run(chunk, run, j, this.emitData);
      if (b === LT_BYTE) {
        this.ltAtStart = this.consumed + j === 0;
        this.state = LT;
        return j + 1;
      }
      if (!this.textOpen && !this.openText(inside, b, j)) return j;
      this.reference.begin();
      this.state = TEXT_REF;
      return j + 1;
    }
    if (this.textOpen) this.out.run(chunk, run, n, this.emitData);
    return n;
  }

  /** Text read so far, before a failure stops decoding (its field is then closed). */
  private emitRun(chunk: Uint8Array, run: number, j: number): void {
    if (this.textOpen) this.out.run(chunk, run, j, this.emitData);
  }

  /** The first byte of character data that is not whitespace: opens the element's text field. */
  private openText(inside: boolean, b: number, i: number): boolean {
    this.atStart = false;
    if (!inside) {
      const where = this.rootClosed ? "after the root element" : "before the root element";
      this.unexpected(b, i, `only markup and whitespace ${where}`);
      return false;
    }
    if (!this.openField("args", this.nesting.current())) return false;
    this.textOpen = true;
    this.utf8.reset();
    return true;
  }

  private checkUtf8(b: number, i: number): void {
    if (this.utf8.byte(b) || this.utf8Reported) return;
    this.utf8Reported = true;
    this.sink.anomaly("protocol", "xml_utf8", `byte ${this.consumed + i}: text is not valid UTF-8`);
  }

  private referenceStep(chunk: Uint8Array, i: number, n: number): number {
    const next = this.reference.read(chunk, i, n, this.emitData);
    if (this.reference.status === REF_FAILED) {
      return this.fail(next, this.reference.failure, this.consumed);
    }
    if (this.reference.status === REF_DONE)
      this.state = this.state === TEXT_REF ? TEXT : ATTR_VALUE;
    return next;
  }

  private afterLt(b: number, i: number): number {
    if (b === 0x2f) {
      this.closeText();
      if (this.nesting.depth === 0) return this.unexpected(b, i, "an element before an end tag");
      this.state = ETAG_START;
      return i + 1;
    }
    if (b === 0x3f) {
      this.piTarget = "";
      this.state = PI_TARGET;
      return i + 1;
    }
    if (b === 0x21) {
      this.bang.clear();
      this.state = BANG;
      return i + 1;
    }
    if (!isNameStart(b)) return this.unexpected(b, i, "a name, '/', '!' or '?' after '<'");
    this.closeText();
    this.atStart = false;
    if (this.rootClosed) return this.unexpected(b, i, "one root element only");
    const parent = this.nesting.current();
    if (!this.nesting.push()) {
      this.sink.anomaly(
        "limits",
        "xml_depth",
        `byte ${this.consumed + i}: nesting deeper than ${this.nesting.maxDepth}; the rest is not decoded`,
      );
      this.state = STOPPED;
      return i;
    }
    this.rootSeen = true;
    if (!this.openField("args_names", parent)) return i;
    this.state = STAG_NAME;
    return i;
  }

  private afterBang(b: number, i: number): number {
    this.bang.appendAscii(String.fromCharCode(b));
    const text = this.bang.toString();
    const word = BANG_WORDS.find((w) => w.startsWith(text));
    if (word === undefined) {
      return this.unexpected(b, i, "'--', '[CDATA[' or 'DOCTYPE' after '<!'");
    }
    if (word !== text) return i + 1;
    if (word === "--") {
      this.dashes = 0;
      this.state = COMMENT;
    } else if (word === "[CDATA[") {
      if (this.nesting.depth === 0)
        return this.fail(i, "CDATA inside the root element", this.consumed);
      this.brackets = 0;
      this.state = CDATA;
    } else {
      if (this.rootSeen || this.doctypeSeen) {
        return this.fail(i, "one DOCTYPE, before the root element", this.consumed);
      }
      this.doctypeSeen = true;
      this.atStart = false;
      this.doctype = new XmlDoctypeScanner(this);
      this.state = DOCTYPE;
    }
    return i + 1;
  }

  private comment(chunk: Uint8Array, i: number, n: number): number {
    for (let j = i; j < n; j++) {
      const b = chunk[j] as number;
      if (b === 0x2d) {
        if (this.dashes === 2) return this.fail(j, "no '--' inside a comment", this.consumed);
        this.dashes++;
      } else if (b === GT_BYTE && this.dashes === 2) {
        this.state = TEXT;
        return j + 1;
      } else if (this.dashes === 2) {
        return this.fail(j, "no '--' inside a comment", this.consumed);
      } else {
        this.dashes = 0;
        const next = chunk.indexOf(0x2d, j + 1);
        if (next < 0 || next >= n) return n;
        j = next - 1;
      }
    }
    return n;
  }

  private piTargetStep(b: number, i: number): number {
    if (this.piTarget === "" ? isNameStart(b) : isNameChar(b)) {
      if (this.piTarget.length < 4) this.piTarget += String.fromCharCode(b | 0x20);
      else this.piTarget = "****";
      return i + 1;
    }
    if (this.piTarget === "") return this.unexpected(b, i, "a processing instruction target");
    if (!isSpace(b) && b !== 0x3f) {
      return this.unexpected(b, i, "whitespace or '?>' after a processing instruction target");
    }
    if (this.piTarget === "xml" && !this.ltAtStart) {
      return this.fail(i, "the XML declaration only at the very start", this.consumed);
    }
    this.atStart = false;
    this.piQuestion = false;
    this.state = PI_BODY;
    return i;
  }

  private cdata(chunk: Uint8Array, i: number, n: number): number {
    for (let j = i; j < n; j++) {
      const b = chunk[j] as number;
      if (this.crPending) {
        this.crPending = false;
        if (b === LF) continue;
      }
      if (b === RSQB) {
        if (this.brackets === 2) this.cdataByte(RSQB, j);
        else this.brackets++;
        continue;
      }
      if (b === GT_BYTE && this.brackets === 2) {
        this.brackets = 0;
        this.state = TEXT;
        return j + 1;
      }
      while (this.brackets > 0) {
        this.brackets--;
        this.cdataByte(RSQB, j);
      }
      if (b === CR) {
        this.crPending = true;
        this.cdataByte(LF, j);
      } else if ((CLASS[b] as number) === CONTROL) {
        return this.unexpected(b, j, "a character XML allows in a CDATA section");
      } else {
        if (b >= 0x80 || this.utf8.inSequence) this.checkUtf8(b, j);
        this.cdataByte(b, j);
      }
      if (this.state === STOPPED) return j;
    }
    return n;
  }

  /** One byte of a CDATA section: text of the element (leading whitespace dropped). */
  private cdataByte(b: number, i: number): void {
    if (!this.textOpen) {
      if (isSpace(b)) return;
      if (!this.openText(true, b, i)) return;
    }
    this.out.byte(b, this.emitData);
  }

  private doctypeStep(chunk: Uint8Array, i: number, n: number): number {
    const scanner = this.doctype;
    if (scanner === undefined) return this.fail(i, "a DOCTYPE", this.consumed);
    const next = scanner.read(chunk, i, n, this.consumed);
    if (scanner.status === DOCTYPE_FAILED) {
      this.sink.anomaly("protocol", "xml_syntax", scanner.failure);
      this.state = STOPPED;
      return next;
    }
    if (scanner.status === DOCTYPE_DONE) {
      this.reference.doctype = true;
      this.doctype = undefined;
      this.state = TEXT;
    }
    return next;
  }

  /** Element, attribute and end-tag names, streamed into their field and the path. */
  private name(chunk: Uint8Array, i: number, n: number): number {
    let j = i;
    while (j < n && isNameChar(chunk[j] as number)) j++;
    if (j > i) {
      const bytes = chunk.subarray(i, j);
      if (this.state === ETAG_NAME) {
        this.nesting.appendEndTagName(bytes);
      } else {
        this.out.run(chunk, i, j, this.emitName);
        if (this.state === STAG_NAME) this.nesting.appendName(bytes);
        else this.nesting.appendAttributeName(bytes);
      }
    }
    if (j === n) return n;
    if (this.state === ETAG_NAME) {
      this.state = ETAG_SPACE;
    } else if (this.state === STAG_NAME) {
      this.closeField();
      this.nesting.nameDone();
      this.sawSpace = false;
      this.state = TAG_SPACE;
    } else {
      this.closeField();
      this.state = ATTR_EQ;
    }
    return j;
  }

  private tagSpace(b: number, i: number): number {
    if (isSpace(b)) {
      this.sawSpace = true;
      return i + 1;
    }
    if (b === GT_BYTE) {
      this.nesting.endAttributes();
      this.state = TEXT;
      return i + 1;
    }
    if (b === 0x2f) {
      this.state = EMPTY_SLASH;
      return i + 1;
    }
    if (!isNameStart(b)) return this.unexpected(b, i, "an attribute name, '>' or '/>'");
    if (!this.sawSpace) return this.unexpected(b, i, "whitespace before an attribute");
    if (!this.openField("args_names", this.nesting.beginAttribute())) return i;
    this.state = ATTR_NAME;
    return i;
  }

  private attributeValue(chunk: Uint8Array, i: number, n: number): number {
    let run = i;
    let j = i;
    if (this.crPending) {
      this.crPending = false;
      if (chunk[j] === LF) run = ++j;
    }
    for (; j < n; j++) {
      const b = chunk[j] as number;
      if (b === this.quote) {
        this.out.run(chunk, run, j, this.emitData);
        this.closeField();
        this.sawSpace = false;
        this.state = ATTR_AFTER;
        return j + 1;
      }
      const kind = CLASS[b] as number;
      if (kind === PLAIN) {
        if (this.utf8.inSequence) this.checkUtf8(b, j);
        continue;
      }
      if (kind === HIGH) {
        this.checkUtf8(b, j);
        continue;
      }
      if (b === LT_BYTE || (kind === CONTROL && b !== CR)) {
        this.out.run(chunk, run, j, this.emitData);
        const what = b === LT_BYTE ? "no '<'" : "a character XML allows";
        return this.unexpected(b, j, `${what} in an attribute value`);
      }
      if (b === AMP) {
        this.out.run(chunk, run, j, this.emitData);
        this.reference.begin();
        this.state = ATTR_REF;
        return j + 1;
      }
      if (b === 0x09 || b === LF || b === CR) {
        // Attribute-value normalisation: each whitespace character (CRLF as one) is a space.
        this.out.run(chunk, run, j, this.emitData);
        this.out.byte(0x20, this.emitData);
        run = j + 1;
        if (b === CR) {
          if (j + 1 === n) this.crPending = true;
          else if (chunk[j + 1] === LF) run = ++j + 1;
        }
      }
    }
    this.out.run(chunk, run, n, this.emitData);
    return n;
  }

  private closeText(): void {
    if (this.textOpen) this.closeField();
    this.crPending = false;
  }

  private closeElement(): void {
    this.nesting.pop();
    if (this.nesting.depth === 0) this.rootClosed = true;
    this.state = TEXT;
  }

  private unexpected(b: number, i: number, expected: string): number {
    return this.fail(i, `expected ${expected}, got ${describe(b)}`, this.consumed);
  }

  /** Reports a syntax error at index `i` of the current chunk and stops; returns `i`. */
  private fail(i: number, what: string, base: number): number {
    if (this.fieldOpen) this.closeField();
    const text =
      what.startsWith("expected") || what.startsWith("unexpected") ? what : `expected ${what}`;
    this.sink.anomaly("protocol", "xml_syntax", `byte ${base + i}: ${text}`);
    this.state = STOPPED;
    return i;
  }

  private context(): string {
    if (this.nesting.depth > 0) return `with ${this.nesting.depth} element(s) open`;
    if (!this.rootSeen) return "before the root element";
    return "inside markup";
  }
}
