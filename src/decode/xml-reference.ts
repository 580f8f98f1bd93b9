/**
 * One XML reference (XML 1.0 section 4.1) read across chunks, after its `&`:
 * - `&#NNN;` and `&#xHHH;` become the UTF-8 of the code point, which must be an XML Char
 *   (no NUL, no other C0 control than tab, LF and CR, no surrogate, nothing past U+10FFFF);
 * - `&lt; &gt; &amp; &apos; &quot;` become their character;
 * - any other `&name;` is an entity declared in a DOCTYPE: with a DOCTYPE in the document it is
 *   written back literally (its replacement text was a field of its own, xml-doctype.ts);
 *   without one it is an undefined entity, a well-formedness error.
 * Carry: the name read so far (at most MAX_NAME bytes) or the numeric value.
 */
import type { Emit, OutputBatch } from "./output-batch.js";
import { hexValue } from "./unicode.js";

export const REF_MORE = 0;
export const REF_DONE = 1;
export const REF_FAILED = 2;

const START = 0; // after "&"
const HASH = 1; // "&#"
const DEC = 2;
const HEX_MARK = 3; // "&#x"
const HEX = 4;
const NAME = 5;

/** Longest entity name accepted; a longer one is refused rather than carried. */
const MAX_NAME = 64;

const PREDEFINED: ReadonlyMap<string, number> = new Map([
  ["lt", 0x3c],
  ["gt", 0x3e],
  ["amp", 0x26],
  ["apos", 0x27],
  ["quot", 0x22],
]);

/** XML NameStartChar on bytes (any byte of 0x80 or above belongs to a non-ASCII letter). */
export function isNameStart(b: number): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b === 0x5f || b === 0x3a || b >= 0x80
  );
}

/** XML NameChar on bytes. */
export function isNameChar(b: number): boolean {
  return isNameStart(b) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e;
}

/** XML 1.0 Char production. */
function isXmlChar(cp: number): boolean {
  if (cp < 0x20) return cp === 0x09 || cp === 0x0a || cp === 0x0d;
  if (cp <= 0xd7ff) return true;
  if (cp < 0xe000) return false;
  return cp <= 0xfffd || (cp >= 0x10000 && cp <= 0x10ffff);
}

export class XmlReferenceReader {
  status = REF_MORE;
  failure = "";
  /** A DOCTYPE was seen: unknown entity names pass literally instead of failing. */
  doctype = false;
  private state = START;
  private value = 0;
  private readonly name = new Uint8Array(MAX_NAME);
  private nameLength = 0;

  constructor(private readonly out: OutputBatch) {}

  begin(): void {
    this.status = REF_MORE;
    this.state = START;
    this.value = 0;
    this.nameLength = 0;
  }

  /** Reads from chunk[i..end); returns where it stopped (past the `;` when done). */
  read(chunk: Uint8Array, i: number, end: number, emit: Emit): number {
    while (i < end) {
      const b = chunk[i] as number;
      switch (this.state) {
        case START:
          if (b === 0x23) this.state = HASH;
          else if (isNameStart(b)) this.appendName(b);
          else return this.fail(i, "a name or '#' after '&' (a literal & must be written &amp;)");
          break;
        case HASH:
          if (b === 0x78) this.state = HEX_MARK;
          else if (b >= 0x30 && b <= 0x39) this.digit(b - 0x30, 10, DEC);
          else return this.fail(i, "a digit or 'x' in a character reference");
          break;
        case DEC:
          if (b === 0x3b) return this.character(i, emit);
          if (b < 0x30 || b > 0x39) return this.fail(i, "a digit or ';' in a character reference");
          this.digit(b - 0x30, 10, DEC);
          break;
        case HEX_MARK:
        case HEX: {
          if (b === 0x3b && this.state === HEX) return this.character(i, emit);
          const h = hexValue(b);
          if (h < 0) return this.fail(i, "a hex digit or ';' in a character reference");
          this.digit(h, 16, HEX);
          break;
        }
        default: // NAME
          if (b === 0x3b) return this.named(i, emit);
          if (!isNameChar(b)) return this.fail(i, "';' to end an entity reference");
          if (this.nameLength === MAX_NAME) {
            return this.fail(i, `an entity name of at most ${MAX_NAME} bytes`);
          }
          this.appendName(b);
      }
      i++;
    }
    return end;
  }

  private appendName(b: number): void {
    this.state = NAME;
    this.name[this.nameLength++] = b;
  }

  private digit(d: number, base: number, next: number): void {
    this.value = Math.min(this.value * base + d, 0x110000);
    this.state = next;
  }

  private character(i: number, emit: Emit): number {
    if (!isXmlChar(this.value)) {
      return this.fail(i, "a character reference to a character XML allows");
    }
    this.out.codePoint(this.value, emit);
    this.status = REF_DONE;
    return i + 1;
  }

  private named(i: number, emit: Emit): number {
    const name = String.fromCharCode(...this.name.subarray(0, this.nameLength));
    const predefined = PREDEFINED.get(name);
    if (predefined !== undefined) {
      this.out.byte(predefined, emit);
    } else if (this.doctype) {
      this.out.byte(0x26, emit);
      this.out.bytes(this.name.subarray(0, this.nameLength), emit);
      this.out.byte(0x3b, emit);
    } else {
      return this.fail(
        i,
        "a declared entity (no DOCTYPE declares any, so only lt gt amp apos quot)",
      );
    }
    this.status = REF_DONE;
    return i + 1;
  }

  private fail(i: number, expected: string): number {
    this.status = REF_FAILED;
    this.failure = `expected ${expected}`;
    return i;
  }
}
