/**
 * The Content-Disposition header of a multipart/form-data part (RFC 7578 section 4.2, RFC 6266
 * syntax): `form-data; name="field"; filename="a.txt"`. Parsers disagree on malformed values,
 * and each disagreement lets a part be a file to one reader and a field to another, or carry a
 * different file name (shared cases 01, 06). So the parse here is strict about what it flags
 * and generous about what it extracts: every reading of a file name that some backend could
 * take (first, last, the raw and the unescaped quoted text, the decoded `filename*`) is returned
 * as a candidate for the restricted-extension signatures.
 *
 * The header value arrives as a latin1 string (one char per byte), so non-ASCII file names
 * (browsers send raw UTF-8) survive unchanged; values are returned the same way.
 */
import { hexValue } from "./unicode.js";

/** Problems, named by the anomaly code the multipart decoder raises for them. */
export type DispositionProblem =
  | "multipart_header_syntax"
  | "multipart_duplicate_param"
  | "multipart_filename_ext"
  | "multipart_missing_name";

export interface Disposition {
  /** The disposition type, lower case ("form-data" when well formed). */
  readonly type: string;
  /** The first `name` value (latin1 string of the raw bytes), or undefined. */
  readonly name: string | undefined;
  /** Distinct file name readings, in order of appearance (latin1 strings of UTF-8 bytes). */
  readonly filenames: readonly string[];
  readonly problems: ReadonlySet<DispositionProblem>;
}

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function isOws(c: string | undefined): boolean {
  return c === " " || c === "\t";
}

interface Cursor {
  i: number;
}

function skipOws(s: string, at: Cursor): void {
  while (isOws(s[at.i])) at.i++;
}

/** Reads up to (not including) the next ";", "=" or whitespace. */
function readBare(s: string, at: Cursor, stopAtEquals: boolean): string {
  const start = at.i;
  while (at.i < s.length) {
    const c = s[at.i];
    if (c === ";" || isOws(c) || (stopAtEquals && c === "=")) break;
    at.i++;
  }
  return s.slice(start, at.i);
}

export function parseContentDisposition(value: string): Disposition {
  const problems = new Set<DispositionProblem>();
  const seen = new Set<string>();
  const filenames: string[] = [];
  let name: string | undefined;
  const addFilename = (candidate: string): void => {
    if (!filenames.includes(candidate)) filenames.push(candidate);
  };

  const at: Cursor = { i: 0 };
  skipOws(value, at);
  const type = readBare(value, at, false).toLowerCase();
  if (type !== "form-data") problems.add("multipart_header_syntax");

  while (at.i < value.length) {
    skipOws(value, at);
    if (at.i >= value.length) break;
    if (value[at.i] !== ";") {
      // Junk between parameters: flag it and resynchronise on the next ";".
      problems.add("multipart_header_syntax");
      const next = value.indexOf(";", at.i);
      if (next < 0) break;
      at.i = next;
    }
    at.i++; // ";"
    skipOws(value, at);
    if (at.i >= value.length) break; // a trailing ";" is tolerated
    const param = readBare(value, at, true).toLowerCase();
    skipOws(value, at);
    if (param === "" || !TCHAR.test(param) || value[at.i] !== "=") {
      problems.add("multipart_header_syntax");
      continue;
    }
    at.i++; // "="
    skipOws(value, at);
    const readings = readValue(value, at, problems);
    if (seen.has(param)) problems.add("multipart_duplicate_param");
    seen.add(param);
    if (param === "name") {
      name ??= readings[0];
    } else if (param === "filename") {
      for (const reading of readings) addFilename(reading);
    } else if (param === "filename*" || param === "name*") {
      // RFC 7578 4.2: the RFC 5987 form MUST NOT be used in multipart/form-data.
      problems.add("multipart_filename_ext");
      const raw = readings[0] ?? "";
      const decoded = decodeExtValue(raw);
      if (decoded === undefined) problems.add("multipart_header_syntax");
      if (param === "filename*") addFilename(decoded ?? raw);
    }
  }
  if (name === undefined) problems.add("multipart_missing_name");
  return { type, name, filenames, problems };
}

/**
 * A token or quoted-string value. Returns its readings: for a quoted-string the unescaped text
 * and, when different, the raw text between the quotes (a backend that ignores backslash
 * escapes, such as PHP, reads `C:\dir\a.php` literally).
 */
function readValue(s: string, at: Cursor, problems: Set<DispositionProblem>): string[] {
  if (s[at.i] !== '"') {
    const token = readBare(s, at, false);
    if (token === "" || !TCHAR.test(token)) problems.add("multipart_header_syntax");
    return [token];
  }
  const start = ++at.i;
  let unescaped = "";
  while (at.i < s.length) {
    const c = s[at.i] as string;
    if (c === "\\" && at.i + 1 < s.length) {
      const next = s[at.i + 1] as string;
      // An escaped quote or backslash ends the value at different places for different parsers.
      if (next === '"' || next === "\\") problems.add("multipart_header_syntax");
      unescaped += next;
      at.i += 2;
      continue;
    }
    if (c === '"') {
      const raw = s.slice(start, at.i);
      at.i++;
      const after = at.i;
      skipOws(s, at);
      if (at.i < s.length && s[at.i] !== ";") problems.add("multipart_header_syntax");
      at.i = after;
      return raw === unescaped ? [unescaped] : [unescaped, raw];
    }
    unescaped += c;
    at.i++;
  }
  // Unterminated quoted-string (shared case 01): the rest of the line is the value.
  problems.add("multipart_header_syntax");
  const raw = s.slice(start);
  return raw === unescaped ? [unescaped] : [unescaped, raw];
}

/**
 * RFC 5987 / 8187 ext-value `charset'language'pct-encoded`; returns the value as a latin1
 * string of its UTF-8 bytes, or undefined when malformed.
 */
export function decodeExtValue(raw: string): string | undefined {
  const first = raw.indexOf("'");
  const second = first < 0 ? -1 : raw.indexOf("'", first + 1);
  if (second < 0) return undefined;
  const charset = raw.slice(0, first).toLowerCase();
  if (charset !== "utf-8" && charset !== "iso-8859-1") return undefined;
  const bytes: number[] = [];
  const text = raw.slice(second + 1);
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x25) {
      if (k + 2 >= text.length) return undefined;
      const hi = hexValue(text.charCodeAt(k + 1) & 0xff);
      const lo = hexValue(text.charCodeAt(k + 2) & 0xff);
      if (hi < 0 || lo < 0) return undefined;
      bytes.push((hi << 4) | lo);
      k += 2;
    } else {
      bytes.push(c & 0xff);
    }
  }
  const decoded = Buffer.from(bytes);
  // iso-8859-1 bytes are re-encoded as UTF-8 so that every candidate is UTF-8.
  return charset === "utf-8"
    ? decoded.toString("latin1")
    : Buffer.from(decoded.toString("latin1"), "utf8").toString("latin1");
}
