/**
 * REQUEST_COOKIES and REQUEST_COOKIES_NAMES from one `cookie` header value (`a=1; b=2`). Over
 * HTTP/2 a client may split cookies into several `cookie` headers: call this once per header.
 *
 * - pairs are split on `;` only (RFC 6265; `,` is not a separator in any current framework);
 *   spaces and tabs around names and values are trimmed;
 * - a pair without `=` is a name with an empty value (Go, PHP); `=v` is an empty name with a
 *   value; empty pairs are skipped;
 * - a value wrapped in double quotes loses the quotes (RFC 6265 cookie-value, jshttp/cookie, Go);
 * - names and values are percent-decoded once, as PHP, Rails (Rack) and Express cookie-parser
 *   do. `+` becomes a space by default, as in PHP and Rack; Express keeps it (decodeURIComponent),
 *   so `plusAsSpace: false` is available. Invalid escapes pass literally. Java servlets and Go
 *   do not decode at all; for them the raw header (request_headers) is still inspected;
 * - every pair is returned, duplicates included, in order.
 */
import { FORM_MODE, PATH_MODE, percentDecodeBytes } from "./percent-decode.js";

export interface Cookie {
  readonly name: Uint8Array;
  readonly value: Uint8Array;
}

export interface CookieOptions {
  /** Decode `+` as a space. Default true. */
  readonly plusAsSpace?: boolean;
}

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const encoder = new TextEncoder();

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09;
}

export function parseCookies(header: Uint8Array | string, options: CookieOptions = {}): Cookie[] {
  const bytes = typeof header === "string" ? encoder.encode(header) : header;
  const mode = options.plusAsSpace === false ? PATH_MODE : FORM_MODE;
  const cookies: Cookie[] = [];
  let i = 0;
  while (i <= bytes.length) {
    let end = bytes.indexOf(SEMICOLON, i);
    if (end < 0) end = bytes.length;
    const pair = trim(bytes, i, end);
    i = end + 1;
    if (pair.length === 0) continue;
    const eq = pair.indexOf(EQUALS);
    const rawName = eq < 0 ? pair : trim(pair, 0, eq);
    let rawValue = eq < 0 ? pair.subarray(pair.length) : trim(pair, eq + 1, pair.length);
    if (rawValue.length >= 2 && rawValue[0] === QUOTE && rawValue[rawValue.length - 1] === QUOTE) {
      rawValue = rawValue.subarray(1, rawValue.length - 1);
    }
    cookies.push({
      name: percentDecodeBytes(rawName, mode).bytes,
      value: percentDecodeBytes(rawValue, mode).bytes,
    });
  }
  return cookies;
}

function trim(bytes: Uint8Array, start: number, end: number): Uint8Array {
  while (start < end && isSpace(bytes[start])) start++;
  while (end > start && isSpace(bytes[end - 1])) end--;
  return bytes.subarray(start, end);
}
