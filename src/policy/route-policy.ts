/**
 * Per-route policy: what an operator tunes per route (mode, threshold, paranoia, families,
 * exclusions, body modes) and how an exchange finds its route. The configuration file
 * (config/file) builds a PolicySet; the exchange resolves its RoutePolicy once, when the
 * request headers arrive, and keeps it for the rest of the stream (a reload never changes the
 * policy of an exchange in flight).
 *
 * Matching: routes are tried in file order and the first whose every given condition holds
 * wins; no match means the set's `fallback` (named "default"). A route name is a metric label,
 * so it comes from the configuration only, never from traffic.
 */
import type { BodyMode } from "../exchange/body-mode.js";
import type { RuleExclusion } from "../inspect/exclusions.js";
import type { Family } from "../inspect/types.js";
import type { PolicyConfig } from "./decide.js";

export interface RoutePolicy extends PolicyConfig {
  /** "default" for the fallback; otherwise the configured route name (a metric label). */
  readonly name: string;
  /** Response anomaly threshold (CRS outbound default 4). */
  readonly responseThreshold: number;
  /** Signatures above this paranoia level are ignored on this route. */
  readonly paranoia: number;
  /** Families inspected on this route; undefined = all. */
  readonly families: ReadonlySet<Family> | undefined;
  /**
   * Signatures (by id or family) that do not apply to a target or one of its fields on this
   * route, as CRS's `SecRuleUpdateTargetById`; see inspect/exclusions.ts for how they apply
   * (an excluded hit does not count and does not mark its signature as fired).
   */
  readonly exclusions: readonly RuleExclusion[];
  /**
   * Body modes this route wants, sent to Envoy as `mode_override` in the request-headers
   * answer where Envoy honours it; undefined = keep Envoy's configured mode.
   */
  readonly bodyModes: { readonly request?: BodyMode; readonly response?: BodyMode };
}

/** Conditions of one route; every given one must hold. */
export interface RouteMatch {
  /** Envoy's route name, from the `xds.route_name` attribute. */
  readonly routeName?: string;
  /** Host (`:authority` without port), exact, or `*.example.com` for any subdomain. */
  readonly host?: string;
  /** Path prefix of `:path`, compared before the query. */
  readonly pathPrefix?: string;
}

export interface RouteRule {
  readonly match: RouteMatch;
  readonly policy: RoutePolicy;
}

/** What a route is chosen by, read from the first request message. */
export interface RouteFacts {
  readonly routeName: string | undefined;
  readonly host: string | undefined;
  readonly path: string | undefined;
}

export interface PolicySet {
  readonly routes: readonly RouteRule[];
  readonly fallback: RoutePolicy;
}

export const DEFAULT_ROUTE_NAME = "default";

/** The fallback policy built from a global PolicyConfig, with CRS-like defaults elsewhere. */
export function routePolicyOf(
  policy: PolicyConfig,
  extra: Partial<Omit<RoutePolicy, keyof PolicyConfig>> = {},
): RoutePolicy {
  return {
    ...policy,
    name: extra.name ?? DEFAULT_ROUTE_NAME,
    responseThreshold: extra.responseThreshold ?? 4,
    paranoia: extra.paranoia ?? 4,
    families: extra.families,
    exclusions: extra.exclusions ?? [],
    bodyModes: extra.bodyModes ?? {},
  };
}

/** A set with no routes: every exchange gets `policy`. */
export function singlePolicySet(policy: RoutePolicy): PolicySet {
  return { routes: [], fallback: policy };
}
