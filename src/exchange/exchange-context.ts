/**
 * Builds an exchange's ExchangeContext (observer.ts): the route chosen at the first message,
 * then, when the request headers arrive, who sent the request and to where. Values copied from
 * traffic are bounded here, once, so the event log and metadata never see an unbounded string.
 */
import type { HeaderEntry } from "../inspect/types.js";
import type { RoutePolicy } from "../policy/route-policy.js";
import { clientAddress } from "./client-address.js";
import { firstHeader, type RequestFacts } from "./headers.js";
import type { ExchangeContext } from "./observer.js";
import type { ExchangeAttributes } from "./route-facts.js";

export const MAX_HOST_CHARS = 256;
export const MAX_PATH_CHARS = 512;
export const MAX_METHOD_CHARS = 32;

/** Security-event options the operator sets (configuration `events`). */
export interface EventOptions {
  /** Keep a masked excerpt of the matched bytes in events (off by default: DESIGN I8). */
  readonly excerpts: boolean;
  /** Proxies that append to x-forwarded-for, Envoy included when it does (client-address.ts). */
  readonly trustedHops: number;
}

export const DEFAULT_EVENT_OPTIONS: EventOptions = { excerpts: false, trustedHops: 0 };

/** The context before (or without) request headers: route and attributes only. */
export function routeContext(
  route: RoutePolicy,
  attributes: ExchangeAttributes,
  options: EventOptions,
): ExchangeContext {
  return {
    requestId: "",
    route: route.name,
    mode: route.mode,
    threshold: route.threshold,
    responseThreshold: route.responseThreshold,
    clientAddress: clientAddress([], attributes.sourceAddress, options.trustedHops),
    method: "",
    host: "",
    path: bounded(pathOnly(attributes.path ?? ""), MAX_PATH_CHARS),
  };
}

/** The full context once the request headers are in. */
export function requestContext(
  base: ExchangeContext,
  facts: RequestFacts,
  headers: readonly HeaderEntry[],
  attributes: ExchangeAttributes,
  options: EventOptions,
): ExchangeContext {
  const forwardedFor = headers
    .filter((h) => h.key === "x-forwarded-for")
    .map((h) => latin1(h.value));
  const rawPath = firstHeader(headers, ":path");
  return {
    ...base,
    requestId: facts.requestId,
    clientAddress: clientAddress(forwardedFor, attributes.sourceAddress, options.trustedHops),
    method: bounded(facts.method, MAX_METHOD_CHARS),
    host: bounded(
      firstHeader(headers, ":authority") ?? firstHeader(headers, "host") ?? "",
      MAX_HOST_CHARS,
    ),
    path: rawPath === undefined ? base.path : bounded(pathOnly(rawPath), MAX_PATH_CHARS),
  };
}

function pathOnly(path: string): string {
  const mark = path.indexOf("?");
  return mark < 0 ? path : path.slice(0, mark);
}

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}
