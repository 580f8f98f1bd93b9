/**
 * The document type declaration of an XML body (XML 1.0 section 2.8), read after `<!DOCTYPE`
 * up to its closing `>`. A request body has no business declaring a DTD; what it declares is
 * the XXE attack surface, so this scanner reports it and otherwise only skips:
 * - an ENTITY declaration with a SYSTEM or PUBLIC identifier, and any parameter entity
 *   (`<!ENTITY % x ...>`, a `%x;` reference in the internal subset): `xxe`/xml_external_entity,
 *   the classic file-read and out-of-band exfiltration shapes;
 * - an external DTD (`<!DOCTYPE r SYSTEM "http://...">`, or PUBLIC with a system literal) whose
 *   address is not a well-known publisher's (www.w3.org for XHTML and SVG, www.apple.com/DTDs
 *   for property lists): `xxe`/xml_external_dtd, weaker evidence (a parser that loads DTDs
 *   fetches it);
 * - the replacement text of each internal general entity becomes an `args` field named
 *   `&name;` (character references decoded, as XML does when it reads the declaration), so a
 *   payload hidden in an entity and expanded by the application is matched like any value.
 * A DOCTYPE with only internal entities (design tools' SVG exports) raises nothing here; the
 * xxe signatures still see the raw body. ELEMENT, ATTLIST and NOTATION declarations,
 * comments and processing instructions in the subset are skipped, quotes respected.
 * Carry: the state, a keyword of at most 8 letters, an entity name of at most 64 bytes, the first
 * bytes of a system literal and an open reference.
 */
import type { Emit } from "./output-batch.js";
import { OutputBatch } from "./output-batch.js";
import type { AnomalyKind, FieldTarget } from "./types.js";
import {
  isNameChar,
  isNameStart,
  REF_DONE,
  REF_FAILED,
  XmlReferenceReader,
} from "./xml-reference.js";

/** What the scanner needs from the tokenizer: fields (counted by it) and anomalies. */
export interface DoctypeHost {
  /** Opens a field; false when the field budget is spent (the scanner then stops emitting). */
  openField(target: FieldTarget, name: string): boolean;
  fieldData(bytes: Uint8Array): void;
  closeField(): void;
  anomaly(kind: AnomalyKind, code: string, detail: string): void;
}

export const DOCTYPE_MORE = 0;
export const DOCTYPE_DONE = 1;
export const DOCTYPE_FAILED = 2;

const NAME_SPACE = 0; // after the keyword: whitespace, then the root name
const NAME = 1;
const MAIN = 2; // external id keywords and literals, "[", ">"
const WORD = 3;
const LITERAL = 4; // a quoted literal of the external id
const SUBSET = 5;
const SUBSET_LT = 6;
const DECL_KEY = 7; // "<!" in the subset: "--" or a keyword
const COMMENT = 8;
const PI = 9;
const PEREF = 10;
const DECL = 11; // rest of a declaration up to ">"
const DECL_LITERAL = 12;
const ENTITY = 13; // an ENTITY declaration before its value
const ENTITY_NAME = 14;
const ENTITY_VALUE = 15;
const ENTITY_REF = 16; // a reference inside an entity value
const AFTER_SUBSET = 17;

const MAX_WORD = 8;
const MAX_ENTITY_NAME = 64;
/** Lower-case prefixes of DTD addresses that are published standards, not attacker hosts. */
const KNOWN_DTD_PUBLISHERS = [
  "http://www.w3.org/",
  "https://www.w3.org/",
  "http://www.apple.com/dtds/",
  "https://www.apple.com/dtds/",
];
const SYSTEM_PREFIX_BYTES = 32;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function isUpper(b: number): boolean {
  return b >= 0x41 && b <= 0x5a;
}

export class XmlDoctypeScanner {
  status = DOCTYPE_MORE;
  failure = "";
  private state = NAME_SPACE;
  private sawSpace = false;
  private readonly word = new Uint8Array(MAX_WORD);
  private wordLength = 0;
  private quote = 0;
  /** Literals of the external id still to come (1 after SYSTEM, 2 after PUBLIC). */
  private literalsLeft = 0;
  private systemPrefix = "";
  private dashes = 0;
  private questionMark = false;
  private parameter = false;
  private readonly entityName = new Uint8Array(MAX_ENTITY_NAME);
  private entityNameLength = 0;
  private entityField = false;
  private externalEntityReported = false;
  private readonly out = new OutputBatch();
  private readonly reference = new XmlReferenceReader(this.out);
  private readonly emitValue: Emit;
  /** Offset in the body of the current chunk's first byte, for details. */
  private base = 0;

  constructor(private readonly host: DoctypeHost) {
    this.reference.doctype = true;
    this.emitValue = (bytes) => host.fieldData(bytes);
  }

  /** Reads from chunk[i..end) and returns where it stopped (past the `>` when done). */
  read(chunk: Uint8Array, i: number, end: number, base: number): number {
    this.base = base;
    while (i < end && this.status === DOCTYPE_MORE) {
      i = this.step(chunk, i, end);
    }
    if (this.entityField) this.out.flush(this.emitValue);
    return i;
  }

  /** The body ended inside the declaration: close an open field. */
  abort(): void {
    if (this.entityField) {
      this.out.flush(this.emitValue);
      this.host.closeField();
      this.entityField = false;
    }
  }

  private step(chunk: Uint8Array, i: number, end: number): number {
    const b = chunk[i] as number;
    switch (this.state) {
      case NAME_SPACE:
        if (isSpace(b)) {
          this.sawSpace = true;
          return i + 1;
        }
        if (!this.sawSpace || !isNameStart(b)) return this.fail(i, "whitespace and a root name");
        this.state = NAME;
        return i + 1;
      case NAME:
        if (isNameChar(b)) return i + 1;
        this.state = MAIN;
        return i;
      case MAIN:
        if (isSpace(b)) return i + 1;
        if (b === 0x22 || b === 0x27) {
          if (this.literalsLeft === 0) return this.fail(i, "SYSTEM or PUBLIC before a literal");
          this.quote = b;
          this.systemPrefix = "";
          this.state = LITERAL;
          return i + 1;
        }
        if (this.literalsLeft > 0) return this.fail(i, "a quoted literal");
        if (b === 0x5b) {
          this.state = SUBSET;
          return i + 1;
        }
        if (b === 0x3e) return this.done(i);
        if (!isUpper(b)) return this.fail(i, "SYSTEM, PUBLIC, '[' or '>'");
        this.word[0] = b;
        this.wordLength = 1;
        this.state = WORD;
        return i + 1;
      case WORD:
        if (isUpper(b) && this.wordLength < MAX_WORD) {
          this.word[this.wordLength++] = b;
          return i + 1;
        }
        return this.externalId(i);
      case LITERAL:
        return this.literal(chunk, i, end);
      case SUBSET:
        if (isSpace(b)) return i + 1;
        if (b === 0x3c) this.state = SUBSET_LT;
        else if (b === 0x25) this.parameterReference(i);
        else if (b === 0x5d) this.state = AFTER_SUBSET;
        else return this.fail(i, "a declaration, a comment, '%' or ']' in the internal subset");
        return i + 1;
      case SUBSET_LT:
        if (b === 0x21) {
          this.wordLength = 0;
          this.state = DECL_KEY;
        } else if (b === 0x3f) {
          this.questionMark = false;
          this.state = PI;
        } else {
          return this.fail(i, "'!' or '?' after '<' in the internal subset");
        }
        return i + 1;
      case DECL_KEY:
        return this.declarationKeyword(b, i);
      case COMMENT:
        if (b === 0x2d) this.dashes++;
        else if (b === 0x3e && this.dashes >= 2) this.state = SUBSET;
        else this.dashes = 0;
        return i + 1;
      case PI:
        if (b === 0x3e && this.questionMark) this.state = SUBSET;
        this.questionMark = b === 0x3f;
        return i + 1;
      case PEREF:
        if (b === 0x3b) this.state = SUBSET;
        else if (!isNameChar(b)) return this.fail(i, "';' to end a parameter entity reference");
        return i + 1;
      case DECL:
        if (b === 0x22 || b === 0x27) {
          this.quote = b;
          this.state = DECL_LITERAL;
        } else if (b === 0x3e) {
          this.state = SUBSET;
        }
        return i + 1;
      case DECL_LITERAL:
        if (b === this.quote) this.state = DECL;
        return i + 1;
      case ENTITY:
        return this.entity(b, i);
      case ENTITY_NAME:
        if (isNameChar(b)) {
          if (this.entityNameLength < MAX_ENTITY_NAME) this.entityName[this.entityNameLength++] = b;
          return i + 1;
        }
        this.state = ENTITY;
        return i;
      case ENTITY_VALUE:
        return this.entityValue(chunk, i, end);
      case ENTITY_REF: {
        const next = this.reference.read(chunk, i, end, this.emitValue);
        if (this.reference.status === REF_FAILED) return this.fail(next, this.reference.failure);
        if (this.reference.status === REF_DONE) {
          this.state = ENTITY_VALUE;
          if (!this.entityField) this.out.clear();
        }
        return next;
      }
      default: // AFTER_SUBSET
        if (isSpace(b)) return i + 1;
        if (b === 0x3e) return this.done(i);
        return this.fail(i, "'>' after the internal subset");
    }
  }

  private externalId(i: number): number {
    const word = String.fromCharCode(...this.word.subarray(0, this.wordLength));
    if (word === "SYSTEM") this.literalsLeft = 1;
    else if (word === "PUBLIC") this.literalsLeft = 2;
    else return this.fail(i, "SYSTEM or PUBLIC");
    this.state = MAIN;
    return i;
  }

  private literal(chunk: Uint8Array, i: number, end: number): number {
    let j = chunk.indexOf(this.quote, i);
    if (j < 0 || j >= end) j = end;
    // Only the system literal (the last one) is an address; keep its first bytes.
    if (this.literalsLeft === 1 && this.systemPrefix.length < SYSTEM_PREFIX_BYTES) {
      const take = chunk.subarray(
        i,
        Math.min(j, i + SYSTEM_PREFIX_BYTES - this.systemPrefix.length),
      );
      this.systemPrefix += String.fromCharCode(...take).toLowerCase();
    }
    if (j === end) return end;
    this.state = MAIN;
    if (--this.literalsLeft === 0) this.externalDtd(j);
    return j + 1;
  }

  private externalDtd(i: number): void {
    const prefix = this.systemPrefix;
    if (KNOWN_DTD_PUBLISHERS.some((known) => prefix.startsWith(known))) return;
    this.host.anomaly(
      "xxe",
      "xml_external_dtd",
      `byte ${this.base + i}: the DOCTYPE names an external DTD that a parser may fetch`,
    );
  }

  private parameterReference(i: number): void {
    this.reportExternalEntity(i, "a parameter entity reference in the internal subset");
    this.state = PEREF;
  }

  private declarationKeyword(b: number, i: number): number {
    if ((b === 0x2d && this.wordLength < 2) || (isUpper(b) && this.wordLength < MAX_WORD)) {
      this.word[this.wordLength++] = b;
      if (this.wordLength === 2 && this.word[0] === 0x2d && this.word[1] === 0x2d) {
        this.dashes = 0;
        this.state = COMMENT;
      }
      return i + 1;
    }
    const word = String.fromCharCode(...this.word.subarray(0, this.wordLength));
    if (!isSpace(b)) return this.fail(i, "a declaration keyword followed by whitespace");
    if (word === "ENTITY") {
      this.parameter = false;
      this.entityNameLength = 0;
      this.state = ENTITY;
    } else if (word === "ELEMENT" || word === "ATTLIST" || word === "NOTATION") {
      this.state = DECL;
    } else {
      return this.fail(i, "ENTITY, ELEMENT, ATTLIST, NOTATION or a comment after '<!'");
    }
    return i + 1;
  }

  /** Inside `<!ENTITY`, before the value: `%`, the name, then a literal or an external id. */
  private entity(b: number, i: number): number {
    if (isSpace(b)) return i + 1;
    if (this.entityNameLength === 0) {
      if (b === 0x25 && !this.parameter) {
        this.parameter = true;
        this.reportExternalEntity(i, "a parameter entity declaration");
        return i + 1;
      }
      if (!isNameStart(b)) return this.fail(i, "an entity name");
      this.entityName[0] = b;
      this.entityNameLength = 1;
      this.state = ENTITY_NAME;
      return i + 1;
    }
    if (b === 0x22 || b === 0x27) {
      this.quote = b;
      this.state = ENTITY_VALUE;
      if (!this.parameter) {
        const name = String.fromCharCode(...this.entityName.subarray(0, this.entityNameLength));
        this.entityField = this.host.openField("args", `&${decodeLatin(name)};`);
      }
      return i + 1;
    }
    if (b === 0x53 || b === 0x50) {
      this.reportExternalEntity(i, "an entity with an external identifier (SYSTEM or PUBLIC)");
      this.state = DECL;
      return i;
    }
    return this.fail(i, "an entity value or an external identifier");
  }

  private entityValue(chunk: Uint8Array, i: number, end: number): number {
    let j = i;
    while (j < end) {
      const b = chunk[j] as number;
      if (b === this.quote || b === 0x26) break;
      j++;
    }
    if (this.entityField) this.out.run(chunk, i, j, this.emitValue);
    if (j === end) return end;
    if (chunk[j] === 0x26) {
      this.reference.begin();
      this.state = ENTITY_REF;
      return j + 1;
    }
    if (this.entityField) {
      this.out.flush(this.emitValue);
      this.host.closeField();
      this.entityField = false;
    }
    this.state = DECL;
    return j + 1;
  }

  private reportExternalEntity(i: number, what: string): void {
    if (this.externalEntityReported) return;
    this.externalEntityReported = true;
    this.host.anomaly("xxe", "xml_external_entity", `byte ${this.base + i}: ${what}`);
  }

  private done(i: number): number {
    this.status = DOCTYPE_DONE;
    return i + 1;
  }

  private fail(i: number, expected: string): number {
    this.abort();
    this.status = DOCTYPE_FAILED;
    this.failure = `byte ${this.base + i}: expected ${expected} in the DOCTYPE`;
    return i;
  }
}

/** Entity names are bytes; non-ASCII ones read as UTF-8 where they are complete. */
function decodeLatin(name: string): string {
  return Buffer.from(name, "latin1").toString("utf8");
}
