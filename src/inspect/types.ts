/**
 * The vocabulary shared by the signature compiler, the inspector and the policy: what a
 * signature looks at (targets), what it belongs to (families) and what a hit is (Match).
 * Names follow OWASP CRS variables (ARGS, ARGS_NAMES, REQUEST_HEADERS, ...) in lower case so
 * a CRS rule can later be traced to the target it compiles onto.
 */
import type { RuleExclusion } from "./exclusions.js";

/** Attack families; `protocol` and `limits` are raised by decoders and budgets, not patterns. */
export const FAMILIES = [
  "sqli",
  "xss",
  "rce",
  "lfi",
  "rfi",
  "ssrf",
  "ssti",
  "nosqli",
  "xxe",
  "deserialization",
  "jndi",
  "scanner",
  "protocol",
  "limits",
  "leakage",
] as const;
export type Family = (typeof FAMILIES)[number];

/**
 * Where a value comes from.
 * - request_filename: the request path, percent-decoded and normalised (no query).
 * - request_uri_raw: the `:path` pseudo-header exactly as received (path and query).
 * - args / args_names: query, form, JSON and multipart field values and names (a multipart file
 *   name is the field `<name>.filename`).
 * - request_headers / request_headers_names: every request header value / name
 *   (pseudo-headers excluded; `:path` is covered by the targets above).
 * - request_cookies / request_cookies_names: cookie values / names from `cookie` headers.
 * - request_body: the request body bytes as the application reads them (Content-Encoding
 *   undone), streamed.
 * - response_headers / response_body: the response direction (issue 3 widens this).
 */
export const TARGETS = [
  "request_filename",
  "request_uri_raw",
  "args",
  "args_names",
  "request_headers",
  "request_headers_names",
  "request_cookies",
  "request_cookies_names",
  "request_body",
  "response_headers",
  "response_body",
] as const;
export type Target = (typeof TARGETS)[number];

export const SEVERITIES = ["critical", "error", "warning", "notice"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Anomaly score per severity, as in CRS (critical 5, error 4, warning 3, notice 2). */
export const SEVERITY_SCORE: Readonly<Record<Severity, number>> = {
  critical: 5,
  error: 4,
  warning: 3,
  notice: 2,
};

/** One signature (or decoder/limit rule) that fired on one value. */
export interface Match {
  /** Stable signature id; decoder and limit findings use ids from the 9xxxxx range. */
  readonly signatureId: number;
  readonly family: Family;
  readonly severity: Severity;
  readonly score: number;
  readonly target: Target;
  /**
   * The field or header name the value came from (bounded, decoded), or "" where the target
   * has no name (path, raw body). Traffic data: goes to the security event log, never to a
   * metric label.
   */
  readonly field: string;
  /** End offset of the match inside the value (bytes), for events; 0 when unknown. */
  readonly offset: number;
  /**
   * Only when the operator enabled excerpts: the scanned bytes around the match's end (after
   * the signature's transforms), unmasked. The event log masks them (log/excerpt.ts); they
   * never go anywhere else.
   */
  readonly excerpt?: Uint8Array;
}

export type Direction = "request" | "response";

/** One header as Envoy sends it: lower-case key, value bytes from `raw_value`. */
export interface HeaderEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

/**
 * What a body or trailers call returns: the fresh matches at once (the common, synchronous
 * case: no promise is allocated), or a promise of them when the call had to wait for an
 * asynchronous stage (Content-Encoding decoding through node:zlib).
 */
export type Inspected = readonly Match[] | Promise<readonly Match[]>;

/** True when an inspector call returned a promise (checked only on the returned value). */
export function isPending(result: Inspected): result is Promise<readonly Match[]> {
  return !Array.isArray(result);
}

/**
 * Inspection of one direction of one exchange. Each call returns only the matches that are new
 * in that call (a signature that already fired in this direction is not repeated). The
 * inspector owns native stream state; `close` releases it and is idempotent.
 *
 * `body` and `trailers` may return a promise (see Inspected). Calls are strictly sequential:
 * the caller awaits a returned promise before the next call on the same direction (an
 * inspector throws on a call made while the previous one is pending), and answers messages in
 * the same order. A rejected promise is a failure of this exchange only. `close` may come
 * while a call is pending; the promise then settles with no matches, or never (its stage was
 * released), and must simply be dropped.
 */
export interface DirectionInspector {
  headers(headers: readonly HeaderEntry[], endOfStream: boolean): readonly Match[];
  body(chunk: Uint8Array, endOfStream: boolean): Inspected;
  trailers(trailers: readonly HeaderEntry[]): Inspected;
  /**
   * Hits an exclusion dropped so far, one per signature id (for the `excluded` outcome in
   * metrics); optional for inspectors without exclusions.
   */
  readonly excluded?: readonly Match[];
  /** Body bytes seen so far, and how many of them were inspected (the rest passed a limit). */
  readonly bytesSeen: number;
  readonly bytesInspected: number;
  close(): void;
}

/**
 * What one exchange's route narrows inspection to (RoutePolicy satisfies it): signatures above
 * `paranoia` or outside `families` do not count, and `exclusions` apply on top of the engine's.
 * Decoder and limit findings are never narrowed.
 */
export interface InspectionScope {
  readonly paranoia: number;
  /** undefined = every family. */
  readonly families: ReadonlySet<Family> | undefined;
  readonly exclusions: readonly RuleExclusion[];
}

/** Both directions of one ext_proc stream. */
export interface ExchangeInspector {
  readonly request: DirectionInspector;
  readonly response: DirectionInspector;
  /**
   * Narrow this exchange's inspection to a route's scope. Called at most once, before the
   * first headers, body or trailers call (later it throws). Optional: an inspector without it
   * (test fakes, tools) inspects with the engine's full set.
   */
  useScope?(scope: InspectionScope, excerpts: boolean): void;
  close(): void;
}

/** A compiled, immutable signature set. A reload builds a new one; streams keep theirs. */
export interface InspectionEngine {
  openExchange(): ExchangeInspector;
  readonly info: EngineInfo;
}

export interface EngineInfo {
  /** sha256 (hex) of the signature set as loaded. */
  readonly hash: string;
  readonly signatures: number;
  readonly compileSeconds: number;
}
