/**
 * Content-Type parsing (RFC 9110 section 8.3.1) and the choice of body decoder. The decoder is
 * chosen from the parsed type/subtype only, never by searching the header text, so a parameter
 * such as `boundary="application/json"` cannot pick the wrong decoder (shared case 11).
 *
 * Names (type, subtype, parameter names) are lower-cased; parameter values keep their case,
 * with quoted-string escapes removed. A malformed parameter is skipped, a malformed type makes
 * the whole header unusable (undefined): the body then gets only the raw scan. A repeated
 * parameter keeps its first value and is listed in `repeated`, so the charset policy can flag
 * `charset=utf-8; charset=utf-7` (shared case 13).
 */
import { type CharsetOptions, CharsetPolicy } from "./charset.js";
import { CharsetFieldSink } from "./charset-field.js";
import { TranscodingDecoder, transcoderFor } from "./charset-transcode.js";
import { FormUrlencodedDecoder, type FormUrlencodedOptions } from "./form-urlencoded.js";
import { JsonDecoder, type JsonDecoderOptions } from "./json.js";
import { MultipartDecoder, type MultipartOptions } from "./multipart.js";
import { readBoundary } from "./multipart-boundary.js";
import { type NestedValueOptions, NestedValueSink } from "./nested-values.js";
import { SniffingDecoder, type SniffOptions } from "./sniff.js";
import { TranscodingFieldSink } from "./transcoding-field-sink.js";
import type { BodyDecoder, FieldSink } from "./types.js";
import { XmlDecoder, type XmlDecoderOptions } from "./xml.js";

export interface ContentType {
  /** `type/subtype`, lower case, e.g. "application/json". */
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
  /** Parameter names that appeared more than once, lower case. */
  readonly repeated: readonly string[];
}

export interface BodyDecoderOptions {
  readonly form?: FormUrlencodedOptions;
  readonly json?: JsonDecoderOptions;
  /** Present: multipart/form-data bodies are decoded (absent: they get only the raw scan). */
  readonly multipart?: MultipartOptions;
  /**
   * Present: declared charsets are checked against the allowlist and allowed non-UTF-8 bodies
   * are transcoded (charset.ts). Absent: no charset policy.
   */
  readonly charset?: CharsetOptions;
  /** Present: bodies without a usable Content-Type are sniffed (sniff.ts). */
  readonly sniff?: SniffOptions;
  /** Present: XML bodies (declared or sniffed) are decoded into fields (xml.ts). */
  readonly xml?: XmlDecoderOptions;
  /** Present: JSON documents and URL queries inside values are read one level further. */
  readonly nested?: NestedValueOptions;
}

/** Request headers besides Content-Type that change how a body is read. */
export interface BodyHeaders {
  /** x-up-devcap-post-charset: ASP.NET takes the body charset from it (shared case 15). */
  readonly postCharset?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function parseContentType(header: string): ContentType | undefined {
  const semicolon = header.indexOf(";");
  const media = (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  const slash = media.indexOf("/");
  if (slash < 0) return undefined;
  const type = media.slice(0, slash);
  const subtype = media.slice(slash + 1);
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  const params = new Map<string, string>();
  const repeated: string[] = [];
  let i = semicolon < 0 ? header.length : semicolon + 1;
  while (i < header.length) {
    const eq = header.indexOf("=", i);
    const nextSemicolon = header.indexOf(";", i);
    if (eq < 0 || (nextSemicolon >= 0 && nextSemicolon < eq)) {
      // A parameter without "=": skip it.
      i = nextSemicolon < 0 ? header.length : nextSemicolon + 1;
      continue;
    }
    const name = header.slice(i, eq).trim().toLowerCase();
    const value = readValue(header, eq + 1);
    i = value.next;
    if (!TOKEN.test(name) || value.text === undefined) continue;
    if (params.has(name)) {
      if (!repeated.includes(name)) repeated.push(name);
      continue;
    }
    params.set(name, value.text);
  }
  return { type: `${type}/${subtype}`, params, repeated };
}

/** Reads a token or quoted-string value starting at `from`; `next` is past the following ";". */
function readValue(header: string, from: number): { text: string | undefined; next: number } {
  let i = from;
  while (header[i] === " " || header[i] === "\t") i++;
  if (header[i] !== '"') {
    const end = header.indexOf(";", i);
    const stop = end < 0 ? header.length : end;
    const text = header.slice(i, stop).trim();
    return { text: TOKEN.test(text) ? text : undefined, next: stop + 1 };
  }
  let text = "";
  for (i++; i < header.length; i++) {
    const c = header[i];
    if (c === "\\" && i + 1 < header.length) {
      text += header[++i];
    } else if (c === '"') {
      const end = header.indexOf(";", i + 1);
      const rest = header.slice(i + 1, end < 0 ? header.length : end).trim();
      return { text: rest === "" ? text : undefined, next: end < 0 ? header.length : end + 1 };
    } else {
      text += c;
    }
  }
  return { text: undefined, next: header.length }; // unterminated quoted-string
}

/** True for JSON media types: application/json, text/json (ASP.NET) and any `+json` suffix. */
export function isJsonType(type: string): boolean {
  return type === "application/json" || type === "text/json" || type.endsWith("+json");
}

/** True for XML media types: application/xml, text/xml and any `+xml` suffix (RFC 7303). */
export function isXmlType(type: string): boolean {
  return type === "application/xml" || type === "text/xml" || type.endsWith("+xml");
}

/** One policy per options object (options are configuration, built once). */
const policies = new WeakMap<CharsetOptions, CharsetPolicy>();

function policyFor(options: CharsetOptions): CharsetPolicy {
  let policy = policies.get(options);
  if (policy === undefined) {
    policy = new CharsetPolicy(options);
    policies.set(options, policy);
  }
  return policy;
}

/** Types that are never sniffed: media and archives are not form data however they start. */
const NEVER_SNIFFED = /^(?:image|audio|video|font|model|multipart)\//;

/**
 * The streaming decoder for a request's Content-Type, or undefined when weir has no field
 * decoder for it (the raw body is scanned either way). The choice is made on the parsed
 * type/subtype only. Anomalies about the headers themselves (a refused or repeated charset, a
 * bad multipart boundary) go to `sink` now, before any body byte.
 *
 * Features beyond form and JSON are enabled by their option being present:
 * - `multipart`: multipart/form-data with a usable boundary (a bad one is `multipart_boundary`;
 *   without a usable one the body is sniffed when sniffing is on);
 * - `charset`: the Content-Type charset (and `headers.postCharset`) must be allowed
 *   (`charset_not_allowed`, `charset_conflict`); an allowed non-UTF-8 body is transcoded to
 *   UTF-8 before the field decoder; `_charset_` form fields are checked too;
 * - `sniff`: a missing, empty, unparseable or undecodable type is sniffed from the body;
 * - `xml`: application/xml, text/xml and `+xml` bodies are decoded (and sniffed XML too);
 * - `nested`: values holding JSON or a URL with a query yield their fields too (nested-values.ts).
 */
export function selectBodyDecoder(
  contentType: string | undefined,
  bodySink: FieldSink,
  options: BodyDecoderOptions = {},
  headers: BodyHeaders = {},
): BodyDecoder | undefined {
  const sink = options.nested === undefined ? bodySink : nestedSink(bodySink, options);
  const policy = options.charset === undefined ? undefined : policyFor(options.charset);
  if (policy !== undefined && headers.postCharset !== undefined) {
    policy.check(headers.postCharset, sink, "charset_not_allowed", "x-up-devcap-post-charset");
  }
  const parsed = contentType === undefined ? undefined : parseContentType(contentType);
  if (parsed === undefined) return sniffing(sink, options, policy);
  const charset = policy?.checkContentType(parsed, sink, "charset_not_allowed", "Content-Type");
  const transcoder = charset === undefined ? undefined : transcoderFor(charset);
  let decoder: BodyDecoder | undefined;
  if (parsed.type === "application/x-www-form-urlencoded") {
    // Forms are transcoded per field, after splitting and percent-decoding (see
    // transcoding-field-sink.ts); other formats are transcoded as a whole body.
    let fieldSink = policy === undefined ? sink : new CharsetFieldSink(sink, policy);
    if (charset !== undefined && transcoder !== undefined) {
      fieldSink = new TranscodingFieldSink(fieldSink, charset);
    }
    return new FormUrlencodedDecoder(fieldSink, options.form);
  } else if (isJsonType(parsed.type)) {
    decoder = new JsonDecoder(sink, options.json);
  } else if (isXmlType(parsed.type) && options.xml !== undefined) {
    const context = {
      ...(policy === undefined ? {} : { policy }),
      hasContentTypeCharset: parsed.params.has("charset"),
      contentTypeCharset: charset,
    };
    decoder = new XmlDecoder(sink, options.xml, context);
  } else if (parsed.type === "multipart/form-data" && options.multipart !== undefined) {
    // The type's own charset parameter was checked above; parts carry their own charsets.
    const reading = readBoundary(parsed);
    if (reading.problem !== undefined) {
      sink.anomaly("protocol", "multipart_boundary", reading.problem);
    }
    if (reading.boundary === undefined) return sniffing(sink, options, policy);
    return new MultipartDecoder(reading.boundary, sink, options.multipart, policy);
  } else if (!NEVER_SNIFFED.test(parsed.type)) {
    return sniffing(sink, options, policy);
  }
  return decoder !== undefined && transcoder !== undefined
    ? new TranscodingDecoder(transcoder, decoder)
    : decoder;
}

/** Nested values share the form limits unless their own are given. */
function nestedSink(sink: FieldSink, options: BodyDecoderOptions): FieldSink {
  const nested = options.nested ?? {};
  const form = nested.form ?? options.form;
  return new NestedValueSink(sink, form === undefined ? nested : { ...nested, form });
}

/** A sniffing decoder when sniffing is enabled. */
function sniffing(
  sink: FieldSink,
  options: BodyDecoderOptions,
  policy: CharsetPolicy | undefined,
): BodyDecoder | undefined {
  if (options.sniff === undefined) return undefined;
  return new SniffingDecoder(
    sink,
    (sniffed, sniffedSink) => {
      switch (sniffed.kind) {
        case "json":
          return new JsonDecoder(sniffedSink, options.json);
        case "form":
          return new FormUrlencodedDecoder(sniffedSink, options.form);
        case "multipart":
          return new MultipartDecoder(sniffed.boundary, sniffedSink, options.multipart, policy);
        case "xml":
          if (options.xml === undefined) return undefined;
          return new XmlDecoder(sniffedSink, options.xml, policy === undefined ? {} : { policy });
      }
    },
    options.sniff,
  );
}
