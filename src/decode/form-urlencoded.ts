/**
 * Streaming application/x-www-form-urlencoded decoder (WHATWG URL "urlencoded parser" rules).
 * Each `name=value` pair becomes two fields: the decoded name as an `args_names` field (named
 * "") and the decoded value as an `args` field named by the decoded name (capped at 256 bytes).
 * A name or value may be any length and cross any number of chunks; only an unfinished percent
 * escape (at most 5 bytes) and the capped name are carried.
 *
 * Edge cases, matching URLSearchParams, PHP and Express qs:
 * - empty pairs (`a=1&&b=2`, a leading or trailing `&`) are skipped;
 * - a bare key without `=` is a name with an empty value; `=x` is an empty name with value x;
 * - only the first `=` splits: `a=b=c` is name a, value `b=c`;
 * - `;` is NOT a separator by default (WHATWG, PHP, Express, Python >= 3.9.2, Go >= 1.17 agree);
 *   `semicolonSeparator: true` adds it for backends that still split on it. Without it the
 *   text after `;` stays inside the value, where signatures still see it;
 * - invalid escapes pass literally and are counted (`invalidEscapes`), not reported;
 * - after `maxFields` pairs a "limits" anomaly is raised once and the rest of the body is not
 *   decoded (the raw body scan still covers it).
 */
import { NameBuffer } from "./field-name.js";
import type { Emit } from "./output-batch.js";
import { FORM_MODE, PercentDecoder } from "./percent-decode.js";
import type { BodyDecoder, FieldSink } from "./types.js";

export interface FormUrlencodedOptions {
  /** Pairs decoded before the rest is skipped with a "limits" anomaly. Default 1000 (PHP's max_input_vars). */
  readonly maxFields?: number;
  /** Treat `;` as a pair separator as well as `&`. Default false. */
  readonly semicolonSeparator?: boolean;
}

export const DEFAULT_MAX_FORM_FIELDS = 1000;

/** Where the pairs come from; only changes the anomaly code and wording. */
export type FormSource = "body" | "query";

const BETWEEN = 0; // before a pair, skipping separators
const NAME = 1;
const VALUE = 2;
const SKIPPING = 3; // over the field limit
const ENDED = 4;

const AMPERSAND = 0x26;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;

export class FormUrlencodedDecoder implements BodyDecoder {
  private readonly sink: FieldSink;
  private readonly maxFields: number;
  private readonly semicolon: boolean;
  private readonly source: FormSource;
  private readonly percent = new PercentDecoder(FORM_MODE);
  private readonly name = new NameBuffer();
  private readonly emitName: Emit;
  private readonly emitValue: Emit;
  private state = BETWEEN;
  private fieldCount = 0;

  constructor(sink: FieldSink, options: FormUrlencodedOptions = {}, source: FormSource = "body") {
    this.sink = sink;
    this.maxFields = options.maxFields ?? DEFAULT_MAX_FORM_FIELDS;
    if (!Number.isInteger(this.maxFields) || this.maxFields < 0) {
      throw new RangeError(`form maxFields must be a non-negative integer, got ${this.maxFields}`);
    }
    this.semicolon = options.semicolonSeparator === true;
    this.source = source;
    this.emitName = (bytes) => {
      sink.fieldData(bytes);
      this.name.append(bytes);
    };
    this.emitValue = (bytes) => sink.fieldData(bytes);
  }

  /** Pairs seen so far (including the one that passed the limit). */
  get fields(): number {
    return this.fieldCount;
  }

  /** Percent escapes that were invalid and passed through literally. */
  get invalidEscapes(): number {
    return this.percent.invalidEscapes;
  }

  write(chunk: Uint8Array): void {
    if (this.state === ENDED) throw new Error("form-urlencoded decoder: write() after end()");
    const n = chunk.length;
    let i = 0;
    while (i < n && this.state !== SKIPPING) {
      if (this.state === BETWEEN) {
        if (this.isSeparator(chunk[i] as number)) {
          i++;
          continue;
        }
        this.startPair();
        continue;
      }
      if (this.state === NAME) {
        let j = i;
        while (j < n) {
          const b = chunk[j] as number;
          if (b === EQUALS || this.isSeparator(b)) break;
          j++;
        }
        this.percent.push(chunk, this.emitName, i, j);
        if (j === n) {
          this.percent.drain(this.emitName);
          return;
        }
        this.endName();
        if (chunk[j] === EQUALS) {
          this.state = VALUE;
        } else {
          this.sink.fieldEnd();
          this.state = BETWEEN;
        }
        i = j + 1;
        continue;
      }
      // VALUE
      const j = this.nextSeparator(chunk, i);
      this.percent.push(chunk, this.emitValue, i, j);
      if (j === n) {
        this.percent.drain(this.emitValue);
        return;
      }
      this.percent.flush(this.emitValue);
      this.sink.fieldEnd();
      this.state = BETWEEN;
      i = j + 1;
    }
  }

  end(): void {
    if (this.state === NAME) {
      this.endName();
      this.sink.fieldEnd();
    } else if (this.state === VALUE) {
      this.percent.flush(this.emitValue);
      this.sink.fieldEnd();
    }
    this.state = ENDED;
  }

  private startPair(): void {
    if (this.fieldCount === this.maxFields) {
      this.fieldCount++;
      const code = this.source === "query" ? "query_field_count" : "form_field_count";
      const where = this.source === "query" ? "query string" : "form body";
      this.sink.anomaly(
        "limits",
        code,
        `${where} has more than ${this.maxFields} fields; the rest is not decoded`,
      );
      this.state = SKIPPING;
      return;
    }
    this.fieldCount++;
    this.name.clear();
    this.sink.fieldStart("args_names", "");
    this.state = NAME;
  }

  /** Closes the name field and opens the value field named by it. */
  private endName(): void {
    this.percent.flush(this.emitName);
    this.sink.fieldEnd();
    this.sink.fieldStart("args", this.name.toString());
  }

  private isSeparator(b: number): boolean {
    return b === AMPERSAND || (b === SEMICOLON && this.semicolon);
  }

  private nextSeparator(chunk: Uint8Array, from: number): number {
    if (!this.semicolon) {
      const j = chunk.indexOf(AMPERSAND, from);
      return j < 0 ? chunk.length : j;
    }
    let j = from;
    while (j < chunk.length && chunk[j] !== AMPERSAND && chunk[j] !== SEMICOLON) j++;
    return j;
  }
}
