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
import { FormUrlencodedDecoder, type FormUrlencodedOptions } from "./form-urlencoded.js";
import { JsonDecoder, type JsonDecoderOptions } from "./json.js";
import type { BodyDecoder, FieldSink } from "./types.js";

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

/**
 * The streaming decoder for a request's Content-Type, or undefined when weir has no field
 * decoder for it (multipart, XML and others come later; the raw body is scanned either way).
 */
export function selectBodyDecoder(
  contentType: string | undefined,
  sink: FieldSink,
  options: BodyDecoderOptions = {},
): BodyDecoder | undefined {
  if (contentType === undefined) return undefined;
  const parsed = parseContentType(contentType);
  if (parsed === undefined) return undefined;
  if (parsed.type === "application/x-www-form-urlencoded") {
    return new FormUrlencodedDecoder(sink, options.form);
  }
  if (isJsonType(parsed.type)) return new JsonDecoder(sink, options.json);
  return undefined;
}
