/**
 * What Envoy tells weir about where an exchange is going and where it comes from, read from the
 * first request message: `attributes` (contract §2.B-4, §2.Q: sent once, on the first message
 * of the request direction, under the filter name, when `request_attributes` lists them) and,
 * when the request headers are that message, the `:authority`/`host` and `:path` headers.
 *
 * The headers win over the `request.path` attribute when both are present (they are the same
 * value unless another filter rewrote the path in between, and the headers are what weir
 * inspects); the attribute is what is left when the header mode is SKIP. `xds.route_name` only
 * exists as an attribute. Attribute values that are not strings are ignored.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { HeaderEntry } from "../inspect/types.js";
import type { RouteFacts } from "../policy/route-policy.js";
import { firstHeader } from "./headers.js";

/** The key of ProcessingRequest.attributes (Envoy's FilterName for ext_proc). */
export const ATTRIBUTES_KEY = "envoy.filters.http.ext_proc";

/** Attributes weir reads (deploy/envoy/envoy.yaml requests exactly these). */
export const ROUTE_NAME_ATTRIBUTE = "xds.route_name";
export const PATH_ATTRIBUTE = "request.path";
export const SOURCE_ADDRESS_ATTRIBUTE = "source.address";

/** Bound on any one fact copied from traffic (they go to the event log). */
const MAX_FACT_LENGTH = 2048;

export interface ExchangeAttributes {
  readonly routeName: string | undefined;
  readonly path: string | undefined;
  /** The downstream peer as Envoy saw it ("ip:port"), for the client address of events. */
  readonly sourceAddress: string | undefined;
}

export const NO_ATTRIBUTES: ExchangeAttributes = {
  routeName: undefined,
  path: undefined,
  sourceAddress: undefined,
};

export function exchangeAttributes(
  attributes: { readonly [key: string]: JsonObject } | undefined,
): ExchangeAttributes {
  const ours = attributes?.[ATTRIBUTES_KEY];
  if (ours === undefined) return NO_ATTRIBUTES;
  return {
    routeName: text(ours[ROUTE_NAME_ATTRIBUTE]),
    path: text(ours[PATH_ATTRIBUTE]),
    sourceAddress: text(ours[SOURCE_ADDRESS_ATTRIBUTE]),
  };
}

/** Route facts from the attributes and, when the first message is request headers, those. */
export function routeFacts(
  attributes: ExchangeAttributes,
  headers: readonly HeaderEntry[] | undefined,
): RouteFacts {
  const host =
    headers === undefined
      ? undefined
      : (firstHeader(headers, ":authority") ?? firstHeader(headers, "host"));
  const path = headers === undefined ? undefined : firstHeader(headers, ":path");
  return {
    routeName: attributes.routeName,
    host: bounded(host),
    path: bounded(path ?? attributes.path),
  };
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" ? bounded(value) : undefined;
}

function bounded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.length > MAX_FACT_LENGTH ? value.slice(0, MAX_FACT_LENGTH) : value;
}
