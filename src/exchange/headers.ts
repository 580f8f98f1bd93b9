/**
 * Reading Envoy's header lists: protobuf HeaderMap -> the inspector's HeaderEntry[], and the few
 * request facts the protocol layer needs (request id for the refusal body and event log, method
 * and content type to shape the refusal, client-sent x-weir-* headers to strip).
 */
import type { HeaderMap } from "../gen/envoy/config/core/v3/base_pb.js";
import type { HeaderEntry } from "../inspect/types.js";

/** Headers weir sets upstream in detect mode; a client must not be able to forge them. */
export const WEIR_SCORE_HEADER = "x-weir-score";
export const WEIR_SIGNATURES_HEADER = "x-weir-signatures";
const WEIR_HEADERS: readonly string[] = [WEIR_SCORE_HEADER, WEIR_SIGNATURES_HEADER];

export const MAX_REQUEST_ID_LENGTH = 128;

const encoder = new TextEncoder();

/**
 * Envoy sends values in `raw_value` (1.27+, the only path since 1.32). Older Envoy filled the
 * string `value`; it is used only when `raw_value` is empty.
 */
export function headerEntries(map: HeaderMap | undefined): HeaderEntry[] {
  if (map === undefined) return [];
  return map.headers.map((h) => ({
    key: h.key,
    value: h.rawValue.length === 0 && h.value.length > 0 ? encoder.encode(h.value) : h.rawValue,
  }));
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

export function firstHeader(entries: readonly HeaderEntry[], name: string): string | undefined {
  const entry = entries.find((e) => e.key === name);
  return entry === undefined ? undefined : latin1(entry.value);
}

/**
 * x-request-id can come from the client (when Envoy preserves external ids), so it is bounded
 * and reduced to visible ASCII without `%`, `"` and `\` before it is echoed anywhere.
 */
export function sanitizeRequestId(raw: string | undefined): string {
  if (raw === undefined) return "";
  // One replace and one slice give a flat string; appending a character at a time left a
  // chain of string pieces (about 0.8 KiB) on every open exchange.
  return raw.replace(REFUSED_IN_REQUEST_ID, "").slice(0, MAX_REQUEST_ID_LENGTH);
}

/** Anything but visible ASCII, and `%`, `"`, `\` (per UTF-16 unit: astral characters go too). */
const REFUSED_IN_REQUEST_ID = /[^\x21-\x7e]|[%"\\]/g;

export interface RequestFacts {
  readonly requestId: string;
  readonly method: string;
  /** content-type application/grpc (and +proto, +json, ...): refusals become gRPC statuses. */
  readonly grpc: boolean;
  /** x-weir-* headers the client sent, to be removed unless weir overwrites them. */
  readonly forgedWeirHeaders: readonly string[];
}

export const UNKNOWN_REQUEST: RequestFacts = {
  requestId: "",
  method: "",
  grpc: false,
  forgedWeirHeaders: [],
};

export function requestFacts(entries: readonly HeaderEntry[]): RequestFacts {
  const contentType = (firstHeader(entries, "content-type") ?? "").trim().toLowerCase();
  return {
    requestId: sanitizeRequestId(firstHeader(entries, "x-request-id")),
    method: firstHeader(entries, ":method") ?? "",
    grpc: contentType.startsWith("application/grpc"),
    forgedWeirHeaders: WEIR_HEADERS.filter((name) => entries.some((e) => e.key === name)),
  };
}
