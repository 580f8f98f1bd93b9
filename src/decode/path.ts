/**
 * REQUEST_FILENAME: the path of `:path` as the application resolves it. Steps, on bytes:
 * 1. take the raw bytes before the first literal `?` (an encoded `%3F` stays in the path,
 *    shared case 31);
 * 2. percent-decode once, path mode (`+` stays a plus; invalid escapes pass literally);
 * 3. `\` becomes `/` (IIS, ASP.NET and other Windows-style servers treat it as a separator, so
 *    `..\..\` must resolve like `../../`);
 * 4. collapse repeated `/`, drop `.` segments, resolve `..` segments without ever climbing above
 *    the root (`/../../etc/passwd` is `/etc/passwd`); a trailing `/`, `.` or `..` leaves a
 *    trailing `/` (RFC 3986 remove_dot_segments).
 * Kept on purpose: `;` path parameters (`/a;jsessionid=1/b`) stay in their segment, so a
 * segment such as `..;` is NOT treated as `..` (Tomcat strips the parameter first): signatures
 * on this target see `..;` literally and must treat it as traversal themselves. NUL bytes stay
 * as bytes so signatures can see them. Decoding happens once: a double-encoded `%252e%252e`
 * becomes the text `%2e%2e`, not `..`. Decoding twice would turn a legitimate `%2500` into NUL
 * (shared case 27); instead, signatures look for the `%2e`/`%2f`/`%5c` remnants that only
 * double encoding leaves (shared case 26), and request_uri_raw keeps the raw form.
 */
import { PATH_MODE, percentDecodeBytes } from "./percent-decode.js";

const QUESTION_MARK = 0x3f;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const encoder = new TextEncoder();

function isSeparator(b: number): boolean {
  return b === SLASH || b === BACKSLASH;
}

/** The decoded, normalised path of a raw `:path` value. */
export function normalizePath(rawPath: Uint8Array | string): Uint8Array {
  const raw = typeof rawPath === "string" ? encoder.encode(rawPath) : rawPath;
  const mark = raw.indexOf(QUESTION_MARK);
  const decoded = percentDecodeBytes(mark < 0 ? raw : raw.subarray(0, mark), PATH_MODE).bytes;
  return removeDotSegments(decoded);
}

/**
 * Normalises separators and dot segments of a decoded path. A path that does not start with a
 * separator (`*`, or a relative form) keeps no leading `/`.
 */
export function removeDotSegments(path: Uint8Array): Uint8Array {
  const n = path.length;
  const out = new Uint8Array(n + 1);
  // Start offsets in `out` of the segments kept so far (each starts with its "/").
  const starts: number[] = [];
  const absolute = n > 0 && isSeparator(path[0] as number);
  let len = 0;
  let trailingSlash = false;
  let i = 0;
  while (i < n) {
    while (i < n && isSeparator(path[i] as number)) i++;
    if (i === n) {
      trailingSlash = starts.length > 0;
      break;
    }
    let j = i;
    while (j < n && !isSeparator(path[j] as number)) j++;
    const size = j - i;
    const last = j === n;
    if (size === 1 && path[i] === DOT) {
      trailingSlash = last;
    } else if (size === 2 && path[i] === DOT && path[i + 1] === DOT) {
      const start = starts.pop();
      if (start !== undefined) len = start;
      trailingSlash = last;
    } else {
      starts.push(len);
      if (absolute || starts.length > 1) out[len++] = SLASH;
      out.set(path.subarray(i, j), len);
      len += size;
      trailingSlash = false;
    }
    i = j;
  }
  if (absolute && (len === 0 || trailingSlash)) out[len++] = SLASH;
  else if (!absolute && trailingSlash && len > 0) out[len++] = SLASH;
  return out.slice(0, len);
}
