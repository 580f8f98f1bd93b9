/**
 * Reads one HTTP/1.1 request written as text (request line, headers, blank line, body), as
 * `weir scan` takes it, and presents it the way Envoy's ext_proc filter would: lower-case
 * header names, `Host` turned into `:authority`, pseudo-headers first, the body as bytes.
 * Hand-written files often use bare LF line endings; both LF and CRLF are accepted.
 */
import type { HeaderEntry } from "../inspect/types.js";

export interface RequestFile {
  readonly method: string;
  /** The request target exactly as written (`/search?q=1`). */
  readonly target: string;
  /** Envoy's view: `:authority`, `:path`, `:method`, `:scheme`, then the other headers. */
  readonly headers: readonly HeaderEntry[];
  readonly body: Uint8Array;
}

export class RequestFileError extends Error {
  override readonly name = "RequestFileError";
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const encoder = new TextEncoder();

export function parseRequestFile(bytes: Uint8Array): RequestFile {
  const { headEnd, bodyStart } = findHeadEnd(bytes);
  const head = Buffer.from(bytes.subarray(0, headEnd)).toString("latin1");
  const lines = head.split(/\r?\n/);
  const requestLine = lines[0] ?? "";
  const parts = requestLine.split(" ");
  if (parts.length !== 3) {
    throw new RequestFileError(
      `line 1: expected 'METHOD TARGET HTTP/1.1', got '${requestLine.slice(0, 80)}'`,
    );
  }
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method)) throw new RequestFileError(`line 1: '${method}' is not a method`);
  if (!/^HTTP\/1\.[01]$/.test(version)) {
    throw new RequestFileError(`line 1: '${version}' is not HTTP/1.0 or HTTP/1.1`);
  }
  if (target === "") throw new RequestFileError("line 1: empty request target");

  let authority = "";
  const plain: HeaderEntry[] = [];
  const fields = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) throw new RequestFileError(`line ${i + 1}: expected 'Name: value'`);
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "host") authority = value;
    else plain.push({ key, value: latin1Bytes(value) });
    fields.set(key, value);
  }

  const pseudo: HeaderEntry[] = [
    { key: ":authority", value: latin1Bytes(authority) },
    { key: ":path", value: latin1Bytes(target) },
    { key: ":method", value: latin1Bytes(method) },
    { key: ":scheme", value: encoder.encode("http") },
  ];
  const rest = bytes.subarray(bodyStart);
  return { method, target, headers: [...pseudo, ...plain], body: bodyOf(rest, fields) };
}

function findHeadEnd(bytes: Uint8Array): { headEnd: number; bodyStart: number } {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return { headEnd: lineStart(bytes, i), bodyStart: i + 2 };
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) {
      return { headEnd: lineStart(bytes, i), bodyStart: i + 3 };
    }
  }
  // No blank line: a request with headers only, which is fine when nothing follows.
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  return { headEnd: end, bodyStart: bytes.length };
}

/** Index of the CR before `lf` when the line ends in CRLF, else `lf` itself. */
function lineStart(bytes: Uint8Array, lf: number): number {
  return lf > 0 && bytes[lf - 1] === 0x0d ? lf - 1 : lf;
}

function bodyOf(rest: Uint8Array, fields: ReadonlyMap<string, string>): Uint8Array {
  const encoding = fields.get("transfer-encoding")?.toLowerCase();
  if (encoding === "chunked") return dechunk(rest);
  const length = fields.get("content-length");
  if (length === undefined) return rest;
  if (!/^[0-9]+$/.test(length)) {
    throw new RequestFileError(`Content-Length '${length}' is not a number`);
  }
  const n = Number(length);
  if (n > rest.length) {
    throw new RequestFileError(
      `Content-Length is ${n} but the file holds ${rest.length} body bytes`,
    );
  }
  return rest.subarray(0, n);
}

function dechunk(rest: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const lf = rest.indexOf(0x0a, at);
    if (lf < 0) throw new RequestFileError("chunked body: missing chunk size line");
    const sizeText = Buffer.from(rest.subarray(at, lf)).toString("latin1").trim().split(";")[0];
    if (sizeText === undefined || !/^[0-9A-Fa-f]+$/.test(sizeText)) {
      throw new RequestFileError(`chunked body: '${sizeText ?? ""}' is not a hex chunk size`);
    }
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) break;
    const start = lf + 1;
    if (start + size > rest.length)
      throw new RequestFileError("chunked body: chunk runs past the end");
    out.push(rest.subarray(start, start + size));
    at = start + size;
    if (rest[at] === 0x0d) at++;
    if (rest[at] === 0x0a) at++;
  }
  return Buffer.concat(out);
}

function latin1Bytes(text: string): Uint8Array {
  return Buffer.from(text, "latin1");
}
