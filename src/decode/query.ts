/**
 * The query string of `:path` as fields: everything after the first literal `?`, split and
 * decoded with the form rules (form-urlencoded.ts), in one call since a header value is
 * complete. The split happens on raw bytes before any decoding, so an encoded `%3F` in the path
 * never starts the query (shared case 31). A `#` is kept as part of the query: clients do not
 * send fragments, so one that arrives is attacker-made and is inspected rather than dropped.
 */
import { FormUrlencodedDecoder, type FormUrlencodedOptions } from "./form-urlencoded.js";
import { type NestedValueOptions, NestedValueSink } from "./nested-values.js";
import type { FieldSink } from "./types.js";

export interface QueryResult {
  /** Pairs found (including one that passed the field limit). */
  readonly fields: number;
  /** Invalid percent escapes passed through literally. */
  readonly invalidEscapes: number;
}

const QUESTION_MARK = 0x3f;
const encoder = new TextEncoder();

/**
 * Emits the query's fields to `sink`; no `?` means no fields. Anomaly codes use the "query_"
 * prefix. Values holding JSON or a URL with a query are read one level further
 * (nested-values.ts) unless `nested` is false.
 */
export function parseQuery(
  rawPath: Uint8Array | string,
  sink: FieldSink,
  options: FormUrlencodedOptions = {},
  nested: NestedValueOptions | false = {},
): QueryResult {
  const path = typeof rawPath === "string" ? encoder.encode(rawPath) : rawPath;
  const mark = path.indexOf(QUESTION_MARK);
  if (mark < 0) return { fields: 0, invalidEscapes: 0 };
  const target = nested === false ? sink : new NestedValueSink(sink, { form: options, ...nested });
  const decoder = new FormUrlencodedDecoder(target, options, "query");
  decoder.write(path.subarray(mark + 1));
  decoder.end();
  return { fields: decoder.fields, invalidEscapes: decoder.invalidEscapes };
}
