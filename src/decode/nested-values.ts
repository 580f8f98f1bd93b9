/**
 * One level of decoding inside values (issue 4, item 4): applications routinely parse a field
 * again, so weir reads what they will read.
 * - a value that is itself a JSON object or array (`{"pos":"{\"w\":4}"}`, a form field holding
 *   JSON) yields its keys and values too, named below the field: `items[].pos.w`;
 * - a value that is a URL with a query string (`next=https://shop.example.test/s?q=x&page=2`)
 *   yields that query's fields, named below the field: `next.q`, `next.page` (the fragment is
 *   not part of the query a server receives).
 * The value itself is inspected as before; the nested fields come after it. Only values of at
 * most `maxBytes` are read again (they are held while they stream, so memory stays bounded),
 * only one level deep (nested fields are not read a third time), and a value that is not valid
 * JSON or carries no query yields nothing and raises nothing: it is a string, not a document.
 * File contents of multipart parts are never read again.
 */

import { NAME_CAP_BYTES, NameBuffer } from "./field-name.js";
import { FormUrlencodedDecoder, type FormUrlencodedOptions } from "./form-urlencoded.js";
import { JsonDecoder } from "./json.js";
import type { AnomalyKind, FieldSink, FieldTarget } from "./types.js";

export interface NestedValueOptions {
  /** Longest value read again, in bytes. Default 8192. */
  readonly maxBytes?: number;
  /** Deepest nesting of a JSON document inside a value. Default 32. */
  readonly maxJsonDepth?: number;
  /** Form options for the query of a URL inside a value (field limit). */
  readonly form?: FormUrlencodedOptions;
}

export const DEFAULT_NESTED_MAX_BYTES = 8192;
const DEFAULT_NESTED_JSON_DEPTH = 32;
/** Suffix of a multipart part's file-name field; the next field of that name is file content. */
const FILENAME_SUFFIX = ".filename";

const NONE = 0;
const PROBE = 1; // before the first byte that is not whitespace
const JSON_VALUE = 2;
const SCHEME = 3; // letters of a possible URL scheme so far
const URL_VALUE = 4; // after "scheme://", "//" or "/": held until the end

/** Bytes of a URL scheme after its first letter (RFC 3986: ALPHA / DIGIT / + - .). */
function isSchemeByte(b: number): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x30 && b <= 0x39) ||
    b === 0x2b ||
    b === 0x2d ||
    b === 0x2e
  );
}

/** First size of the held-value buffer; it doubles up to maxBytes as a value needs. */
const INITIAL_HOLD_BYTES = 128;

/** Longest scheme considered (`https`, `chrome-extension`): anything longer is no URL. */
const MAX_SCHEME = 32;

export class NestedValueSink implements FieldSink {
  private readonly maxBytes: number;
  private readonly maxJsonDepth: number;
  private readonly form: FormUrlencodedOptions;
  private buffer: Uint8Array | undefined;
  private length = 0;
  private state = NONE;
  private name = "";
  private fileContentOf: string | undefined;
  /** Position of the `:` of a scheme, to check the `//` after it. */
  private colon = -1;

  constructor(
    private readonly inner: FieldSink,
    options: NestedValueOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_NESTED_MAX_BYTES;
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 0 || this.maxBytes > 1 << 20) {
      throw new RangeError(
        `nested maxBytes must be an integer from 0 to 1048576, got ${this.maxBytes}`,
      );
    }
    this.maxJsonDepth = options.maxJsonDepth ?? DEFAULT_NESTED_JSON_DEPTH;
    this.form = options.form ?? {};
  }

  fieldStart(target: FieldTarget, name: string): void {
    this.inner.fieldStart(target, name);
    this.state = NONE;
    if (target !== "args") return;
    if (name.endsWith(FILENAME_SUFFIX)) {
      this.fileContentOf = name.slice(0, -FILENAME_SUFFIX.length);
      return;
    }
    const isFile = name === this.fileContentOf;
    this.fileContentOf = undefined;
    if (isFile || this.maxBytes === 0) return;
    this.state = PROBE;
    this.name = name;
    this.length = 0;
    this.colon = -1;
  }

  fieldData(bytes: Uint8Array): void {
    this.inner.fieldData(bytes);
    if (this.state === NONE) return;
    let from = 0;
    if (this.state === PROBE) {
      while (from < bytes.length && isWhitespace(bytes[from] as number)) from++;
      if (from === bytes.length) return;
      const first = bytes[from] as number;
      if (first === 0x7b || first === 0x5b) this.state = JSON_VALUE;
      else if (first === 0x2f) this.state = URL_VALUE;
      else if ((first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a) this.state = SCHEME;
      else {
        this.state = NONE;
        return;
      }
    }
    if (!this.hold(bytes, from)) {
      this.state = NONE;
      return;
    }
    if (this.state === SCHEME) this.checkScheme();
  }

  fieldEnd(): void {
    this.inner.fieldEnd();
    const state = this.state;
    this.state = NONE;
    if (state !== JSON_VALUE && state !== URL_VALUE) return;
    const value = (this.buffer as Uint8Array).subarray(0, this.length);
    if (state === JSON_VALUE) this.nestedJson(value);
    else this.nestedQuery(value);
  }

  anomaly(kind: AnomalyKind, code: string, detail: string): void {
    this.inner.anomaly(kind, code, detail);
  }

  /** Appends to the held value; false once it is longer than maxBytes. */
  private hold(bytes: Uint8Array, from: number): boolean {
    const n = bytes.length - from;
    const needed = this.length + n;
    if (needed > this.maxBytes) return false;
    // Grown on demand: most values are short words that stop being a URL candidate within a
    // few bytes, and an exchange held in flight should not carry maxBytes for them.
    if (this.buffer === undefined || this.buffer.length < needed) {
      let size = Math.max(this.buffer?.length ?? 0, INITIAL_HOLD_BYTES);
      while (size < needed) size *= 2;
      const grown = new Uint8Array(Math.min(size, this.maxBytes));
      if (this.buffer !== undefined) grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(from === 0 ? bytes : bytes.subarray(from), this.length);
    this.length += n;
    return true;
  }

  /** While the value may still be `scheme://`: give up as soon as it cannot be. */
  private checkScheme(): void {
    const buffer = this.buffer as Uint8Array;
    for (let k = this.colon < 0 ? 1 : this.colon; k < this.length; k++) {
      const b = buffer[k] as number;
      if (this.colon < 0) {
        if (b === 0x3a) {
          this.colon = k;
        } else if (!isSchemeByte(b) || k >= MAX_SCHEME) {
          this.state = NONE;
          return;
        }
        continue;
      }
      const offset = k - this.colon;
      if (offset === 0) continue;
      if (b !== 0x2f) {
        this.state = NONE;
        return;
      }
      if (offset === 2) {
        this.state = URL_VALUE;
        return;
      }
    }
  }

  private nestedJson(value: Uint8Array): void {
    // A first pass decides whether the value is a JSON document at all; only then are its
    // fields emitted (a string that merely starts with "{" raises nothing).
    const probe = new ProbeSink();
    const check = new JsonDecoder(probe, { maxDepth: this.maxJsonDepth });
    check.write(value);
    check.end();
    if (probe.failed) return;
    const decoder = new JsonDecoder(new PrefixedSink(this.inner, this.name), {
      maxDepth: this.maxJsonDepth,
    });
    decoder.write(value);
    decoder.end();
  }

  private nestedQuery(value: Uint8Array): void {
    const mark = value.indexOf(0x3f);
    if (mark < 0) return;
    const hash = value.indexOf(0x23, mark + 1);
    const query = value.subarray(mark + 1, hash < 0 ? value.length : hash);
    if (query.length === 0) return;
    const decoder = new FormUrlencodedDecoder(
      new PrefixedSink(this.inner, this.name),
      this.form,
      "query",
    );
    decoder.write(query);
    decoder.end();
  }
}

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** Swallows fields; remembers whether the document raised anything. */
class ProbeSink implements FieldSink {
  failed = false;
  fieldStart(): void {}
  fieldData(): void {}
  fieldEnd(): void {}
  anomaly(): void {
    this.failed = true;
  }
}

const encoder = new TextEncoder();

/** Names nested fields below the field they came from; drops the nested decoder's anomalies. */
class PrefixedSink implements FieldSink {
  private readonly prefix: Uint8Array;
  private readonly built = new NameBuffer(NAME_CAP_BYTES);

  constructor(
    private readonly inner: FieldSink,
    prefix: string,
  ) {
    this.prefix = encoder.encode(prefix);
  }

  fieldStart(target: FieldTarget, name: string): void {
    this.built.clear();
    this.built.append(this.prefix);
    if (name !== "") {
      // `p.key`, but `p[]` for the elements of a top-level array.
      if (this.prefix.length > 0 && !name.startsWith("[")) this.built.appendAscii(".");
      this.built.append(encoder.encode(name));
    }
    this.inner.fieldStart(target, this.built.toString());
  }

  fieldData(bytes: Uint8Array): void {
    this.inner.fieldData(bytes);
  }

  fieldEnd(): void {
    this.inner.fieldEnd();
  }

  anomaly(): void {}
}
