/**
 * Streaming JSON decoder (RFC 8259) for application/json bodies: an iterative tokenizer with an
 * explicit stack bounded by `maxDepth`, never JSON.parse on the body. It emits
 * - every object key as an `args_names` field named by the path of the enclosing object,
 * - every string value as an `args` field named by its own path, escapes decoded,
 * - every number, true, false and null as an `args` field holding its literal text.
 *
 * Paths (CRS-like, bounded, index-free so one name covers every element of an array):
 *   {"user":{"name":"x"}}      value path `user.name`, key `name` is reported under `user`
 *   {"items":[{"id":"w1"}]}    value path `items[].id`, key `id` under `items[]`
 *   ["a",["b"]]                `[]` and `[][]`;  a top-level scalar has the path ""
 *   keys are joined with "." as they are (a key containing "." or "[]" is not escaped);
 *   names are capped at 256 bytes (field-name.ts).
 * Duplicate keys are all emitted, in order (shared case 22); no map is ever built.
 *
 * Failures, each reported once, after closing any open field (its bytes so far were emitted):
 * - syntax error: "protocol"/"json_syntax" with the byte offset and what was expected, then
 *   decoding stops (the raw body is still scanned elsewhere). Trailing data after the
 *   top-level value and an unterminated document at end() are syntax errors;
 * - nesting deeper than `maxDepth`: "limits"/"json_depth", then decoding stops (shared case 21);
 * - a string that is not well-formed UTF-8 (overlong forms, surrogates, stray bytes):
 *   "protocol"/"json_utf8" once; decoding goes on and the bytes pass unchanged.
 * An empty or whitespace-only body is no document and no anomaly (POSTs without a body often
 * still carry Content-Type: application/json). A leading UTF-8 byte order mark is skipped, as
 * Jackson, System.Text.Json and body-parser do.
 */

import { ARRAY, JsonNesting, OBJECT } from "./json-nesting.js";
import {
  JsonLiteralReader,
  JsonNumberReader,
  SCALAR_DONE,
  SCALAR_FAILED,
  SCALAR_MORE,
} from "./json-scalar.js";
import { describe, JsonStringReader, STRING_DONE, STRING_FAILED } from "./json-string.js";
import { type Emit, OutputBatch } from "./output-batch.js";
import type { BodyDecoder, FieldSink } from "./types.js";

export interface JsonDecoderOptions {
  /** Deepest nesting of arrays and objects (`[[1]]` has depth 2). Default 64. */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_JSON_DEPTH = 64;
/** Highest accepted maxDepth: the container stack is allocated up front. */
export const MAX_JSON_DEPTH_LIMIT = 4096;

// Tokenizer states.
const START = 0; // before the top-level value (a byte order mark may come first)
const VALUE = 1; // a value is expected (after ":" or "," in an array)
const ARRAY_FIRST = 2; // after "[": a value or "]"
const OBJECT_FIRST = 3; // after "{": a key or "}"
const KEY = 4; // after "," in an object: a key
const COLON = 5; // after a key
const AFTER_VALUE = 6; // after a member or element: "," or the closing bracket
const DONE = 7; // the top-level value is complete; only whitespace may follow
const STRING = 8;
const NUMBER = 9;
const LITERAL = 10;
const BOM = 11; // inside a leading byte order mark
const STOPPED = 12; // after a failure: input is ignored
const ENDED = 13;

const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export class JsonDecoder implements BodyDecoder {
  private readonly sink: FieldSink;
  private readonly maxDepth: number;
  private readonly out = new OutputBatch();
  private readonly str = new JsonStringReader(this.out);
  private readonly num = new JsonNumberReader();
  private readonly lit = new JsonLiteralReader();
  private readonly nesting: JsonNesting;
  private state = START;
  private inKey = false;
  private fieldOpen = false;
  private bomMatched = 0;
  private utf8Reported = false;
  /** Bytes of the body before the current chunk, for offsets in anomaly details. */
  private consumed = 0;
  private readonly emitKey: Emit;
  private readonly emitValue: Emit;

  constructor(sink: FieldSink, options: JsonDecoderOptions = {}) {
    this.sink = sink;
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_JSON_DEPTH_LIMIT) {
      throw new RangeError(
        `JSON maxDepth must be an integer from 1 to ${MAX_JSON_DEPTH_LIMIT}, got ${maxDepth}`,
      );
    }
    this.maxDepth = maxDepth;
    this.nesting = new JsonNesting(this.maxDepth);
    this.emitKey = (bytes) => {
      sink.fieldData(bytes);
      this.nesting.appendKey(bytes);
    };
    this.emitValue = (bytes) => sink.fieldData(bytes);
  }

  write(chunk: Uint8Array): void {
    if (this.state === ENDED) throw new Error("JSON decoder: write() after end()");
    const n = chunk.length;
    let i = 0;
    while (i < n && this.state !== STOPPED) {
      switch (this.state) {
        case STRING:
          i = this.readString(chunk, i, n);
          break;
        case NUMBER:
          i = this.readNumber(chunk, i, n);
          break;
        case LITERAL:
          i = this.readLiteral(chunk, i, n);
          break;
        default: {
          const b = chunk[i] as number;
          if (isWhitespace(b) && this.state !== BOM) {
            i++;
          } else {
            i = this.structural(b, i);
          }
        }
      }
    }
    if (this.state !== STOPPED) this.out.flush(this.inKey ? this.emitKey : this.emitValue);
    this.consumed += n;
  }

  end(): void {
    const state = this.state;
    if (state === ENDED) return;
    if (state === NUMBER && this.nesting.depth === 0 && this.num.complete) {
      this.closeField();
    } else if (state !== STOPPED && state !== DONE && state !== START) {
      this.report(this.consumed, `unexpected end of body ${this.context()}`);
    }
    this.state = ENDED;
  }

  /** Handles one non-whitespace byte outside strings and scalars; returns the next index. */
  private structural(b: number, i: number): number {
    switch (this.state) {
      case START:
        if (b === BYTE_ORDER_MARK[0] && this.consumed + i === 0) {
          this.state = BOM;
          this.bomMatched = 1;
          return i + 1;
        }
        return this.beginValue(b, i);
      case BOM:
        if (b !== BYTE_ORDER_MARK[this.bomMatched]) {
          return this.fail(i, `${describe(b)} breaks a byte order mark; expected a JSON value`);
        }
        if (++this.bomMatched === BYTE_ORDER_MARK.length) this.state = START;
        return i + 1;
      case VALUE:
        return this.beginValue(b, i);
      case ARRAY_FIRST:
        return b === 0x5d ? this.close(i) : this.beginValue(b, i);
      case OBJECT_FIRST:
        if (b === 0x7d) return this.close(i);
        return b === 0x22 ? this.beginKey(i) : this.unexpected(b, i, `'"' to start a key or '}'`);
      case KEY:
        return b === 0x22 ? this.beginKey(i) : this.unexpected(b, i, `'"' to start a key`);
      case COLON:
        if (b !== 0x3a) return this.unexpected(b, i, "':' after a key");
        this.state = VALUE;
        return i + 1;
      case AFTER_VALUE: {
        const kind = this.nesting.current;
        if (b === 0x2c) {
          if (kind === OBJECT) {
            this.nesting.endMember();
            this.state = KEY;
          } else {
            this.state = VALUE;
          }
          return i + 1;
        }
        if (kind === OBJECT && b === 0x7d) return this.close(i);
        if (kind === ARRAY && b === 0x5d) return this.close(i);
        return this.unexpected(b, i, kind === OBJECT ? "',' or '}'" : "',' or ']'");
      }
      default: // DONE
        return this.unexpected(b, i, "nothing after the top-level value");
    }
  }

  private beginValue(b: number, i: number): number {
    if (b === 0x22) {
      this.openValue();
      this.inKey = false;
      this.str.begin();
      this.state = STRING;
      return i + 1;
    }
    if (b === 0x7b || b === 0x5b) return this.open(b === 0x7b ? OBJECT : ARRAY, i);
    if (b === 0x2d || (b >= 0x30 && b <= 0x39)) {
      this.openValue();
      this.num.begin();
      this.state = NUMBER;
      return i;
    }
    if (JsonLiteralReader.starts(b)) {
      this.lit.begin(b);
      this.state = LITERAL;
      return i;
    }
    return this.unexpected(b, i, "a value (string, number, object, array, true, false or null)");
  }

  private beginKey(i: number): number {
    this.sink.fieldStart("args_names", this.nesting.beginKey());
    this.fieldOpen = true;
    this.inKey = true;
    this.str.begin();
    this.state = STRING;
    return i + 1;
  }

  private open(kind: number, i: number): number {
    if (!this.nesting.push(kind)) {
      const detail = `nesting deeper than ${this.maxDepth}; the rest is not decoded`;
      this.sink.anomaly("limits", "json_depth", `byte ${this.consumed + i}: ${detail}`);
      this.state = STOPPED;
      return i;
    }
    this.state = kind === ARRAY ? ARRAY_FIRST : OBJECT_FIRST;
    return i + 1;
  }

  private close(i: number): number {
    this.nesting.pop();
    this.valueDone();
    return i + 1;
  }

  private valueDone(): void {
    this.state = this.nesting.depth === 0 ? DONE : AFTER_VALUE;
  }

  private readString(chunk: Uint8Array, i: number, n: number): number {
    const next = this.str.read(chunk, i, n, this.inKey ? this.emitKey : this.emitValue);
    if (this.str.invalidUtf8At >= 0) this.reportUtf8(this.str.invalidUtf8At);
    if (this.str.status === STRING_FAILED) return this.fail(next, this.str.failure);
    if (this.str.status === STRING_DONE) {
      this.closeField();
      if (this.inKey) {
        this.inKey = false;
        this.state = COLON;
      } else {
        this.valueDone();
      }
    }
    return next;
  }

  private readNumber(chunk: Uint8Array, i: number, n: number): number {
    const next = this.num.read(chunk, i, n);
    this.out.run(chunk, i, next, this.emitValue);
    if (this.num.status === SCALAR_FAILED) return this.fail(next, this.num.failure);
    if (this.num.status === SCALAR_DONE) {
      this.closeField();
      this.valueDone();
    }
    return next;
  }

  private readLiteral(chunk: Uint8Array, i: number, n: number): number {
    const next = this.lit.read(chunk, i, n);
    if (this.lit.status === SCALAR_FAILED) return this.fail(next, this.lit.failure);
    if (this.lit.status !== SCALAR_MORE) {
      this.openValue();
      this.sink.fieldData(this.lit.text);
      this.closeField();
      this.valueDone();
    }
    return next;
  }

  /** Opens the `args` field of a scalar value. */
  private openValue(): void {
    this.sink.fieldStart("args", this.nesting.valueName());
    this.fieldOpen = true;
  }

  private closeField(): void {
    this.out.flush(this.inKey ? this.emitKey : this.emitValue);
    this.sink.fieldEnd();
    this.fieldOpen = false;
  }

  private reportUtf8(i: number): void {
    this.str.invalidUtf8At = -1;
    if (this.utf8Reported) return;
    this.utf8Reported = true;
    const at = this.consumed + i;
    this.sink.anomaly("protocol", "json_utf8", `byte ${at}: a string is not valid UTF-8`);
  }

  private unexpected(b: number, i: number, expected: string): number {
    return this.fail(i, `expected ${expected}, got ${describe(b)}`);
  }

  /** Reports a syntax error at index `i` of the current chunk and stops; returns `i`. */
  private fail(i: number, what: string): number {
    this.report(this.consumed + i, what);
    return i;
  }

  private report(offset: number, what: string): void {
    if (this.fieldOpen) this.closeField();
    this.sink.anomaly("protocol", "json_syntax", `byte ${offset}: ${what}`);
    this.state = STOPPED;
  }

  private context(): string {
    switch (this.state) {
      case STRING:
        return this.inKey ? "inside a key" : "inside a string";
      case NUMBER:
      case LITERAL:
        return `inside a value with ${this.nesting.depth} container(s) open`;
      case BOM:
        return "inside a byte order mark";
      default:
        return `with ${this.nesting.depth} container(s) open`;
    }
  }
}
