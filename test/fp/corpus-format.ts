/**
 * The false-positive corpus format (test/fixtures/fp-corpus/*.jsonl): one ordinary HTTP request
 * per line, as a client sends it. `path` is the request target exactly as on the wire (query
 * percent-encoded), `headers` are lower-case name/value pairs in order (`host` included,
 * `content-type` not: it is `content_type`), and the body is UTF-8 text (`body`) or bytes
 * (`body_base64`). `id` is `<kind>-<number>`; `note` says what the request imitates.
 */

export interface FpRequest {
  readonly id: string;
  readonly note: string;
  readonly method: string;
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly content_type?: string;
  readonly body?: string;
  readonly body_base64?: string;
}

/** One request as a JSON line, with a fixed key order (the files are compared byte for byte). */
export function formatRequest(request: FpRequest): string {
  const ordered: Record<string, unknown> = {
    id: request.id,
    note: request.note,
    method: request.method,
    path: request.path,
    headers: request.headers,
  };
  if (request.content_type !== undefined) ordered.content_type = request.content_type;
  if (request.body !== undefined) ordered.body = request.body;
  if (request.body_base64 !== undefined) ordered.body_base64 = request.body_base64;
  return JSON.stringify(ordered);
}

/** Parses one file's lines, with an error naming the file, line and what is wrong. */
export function parseCorpusFile(name: string, text: string): FpRequest[] {
  const out: FpRequest[] = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line === "") continue;
    const where = `${name}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error: unknown) {
      throw new Error(`${where}: not JSON (${error instanceof Error ? error.message : error})`);
    }
    out.push(checkRequest(where, value));
  }
  return out;
}

function checkRequest(where: string, value: unknown): FpRequest {
  if (typeof value !== "object" || value === null) throw new Error(`${where}: not an object`);
  const r = value as Record<string, unknown>;
  for (const key of ["id", "note", "method", "path"]) {
    if (typeof r[key] !== "string" || r[key] === "") {
      throw new Error(`${where}: '${key}' must be a non-empty string`);
    }
  }
  if (!String(r.path).startsWith("/")) throw new Error(`${where}: path must start with '/'`);
  const headers = r.headers;
  if (
    !Array.isArray(headers) ||
    !headers.every(
      (h: unknown) =>
        Array.isArray(h) &&
        h.length === 2 &&
        typeof h[0] === "string" &&
        typeof h[1] === "string" &&
        h[0] === h[0].toLowerCase() &&
        h[0] !== "content-type",
    )
  ) {
    throw new Error(`${where}: headers must be [lower-case name, value] pairs (no content-type)`);
  }
  if (r.body !== undefined && r.body_base64 !== undefined) {
    throw new Error(`${where}: both body and body_base64`);
  }
  for (const key of ["content_type", "body", "body_base64"]) {
    if (r[key] !== undefined && typeof r[key] !== "string") {
      throw new Error(`${where}: '${key}' must be a string`);
    }
  }
  return r as unknown as FpRequest;
}

/** The body as bytes, or undefined for a request without one. */
export function bodyBytes(request: FpRequest): Uint8Array | undefined {
  if (request.body_base64 !== undefined) return Buffer.from(request.body_base64, "base64");
  if (request.body !== undefined) return Buffer.from(request.body, "utf8");
  return undefined;
}
