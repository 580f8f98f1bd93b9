/**
 * Header lists as Envoy's HTTP connection manager presents them to filters: HTTP/1 `Host`
 * becomes `:authority`, pseudo-headers first, names lower-case, connection-specific headers
 * removed, and the edge-proxy additions (x-request-id, x-forwarded-for, x-forwarded-proto).
 * Values stay byte strings (node:http's latin1 view of the raw bytes).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { getHeader, type HeaderList } from "../envoy/index.js";

/** Removed by Envoy before filters see a request, and never forwarded hop to hop. */
const CONNECTION_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "host",
]);

/** Pairs from node's rawHeaders, names lower-cased, order and repeats kept. */
export function rawPairs(raw: readonly string[]): HeaderList {
  const pairs: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    pairs.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
  }
  return pairs;
}

export function requestHeaderList(request: IncomingMessage): HeaderList {
  const pairs = rawPairs(request.rawHeaders);
  const authority = getHeader(pairs, "host") ?? "";
  const headers: HeaderList = [
    [":method", request.method ?? "GET"],
    [":scheme", "http"],
    [":authority", authority],
    [":path", request.url ?? "/"],
  ];
  for (const [name, value] of pairs) {
    if (CONNECTION_HEADERS.has(name)) continue;
    if (name === "te" && value.toLowerCase() !== "trailers") continue;
    // Envoy answers 100-continue itself and does not forward the expectation (proxy_100_continue off).
    if (name === "expect" && value.toLowerCase() === "100-continue") continue;
    if (name === "x-forwarded-proto") continue;
    headers.push([name, value]);
  }
  // An edge connection manager (use_remote_address): append the peer, state the scheme.
  const peer = request.socket.remoteAddress ?? "";
  const forwarded = headers.findIndex(([name]) => name === "x-forwarded-for");
  const entry = headers[forwarded];
  if (entry) entry[1] = `${entry[1]}, ${peer}`;
  else headers.push(["x-forwarded-for", peer]);
  headers.push(["x-forwarded-proto", "http"]);
  if (getHeader(headers, "x-request-id") === undefined)
    headers.push(["x-request-id", randomUUID()]);
  return headers;
}

export function responseHeaderList(response: IncomingMessage): HeaderList {
  const headers: HeaderList = [[":status", String(response.statusCode ?? 502)]];
  for (const [name, value] of rawPairs(response.rawHeaders)) {
    if (!CONNECTION_HEADERS.has(name)) headers.push([name, value]);
  }
  return headers;
}

/** node:http's flat [name, value, ...] form, without pseudo-headers. */
export function toNodeHeaders(headers: HeaderList): string[] {
  const flat: string[] = [];
  for (const [name, value] of headers) {
    if (!name.startsWith(":")) flat.push(name, value);
  }
  return flat;
}

/** Trailers as node's addTrailers wants them: [name, value] tuples. */
export function toNodeTrailers(trailers: HeaderList): Array<[string, string]> {
  return trailers.filter(([name]) => !name.startsWith(":"));
}
