/**
 * The file's routes as a PolicySet: one RoutePolicy per route, in file order, plus the fallback
 * (route `default`) built from the global settings. A route inherits every global value it does
 * not set; its exclusions are added to the global ones, never replace them, so an exclusion
 * written once at the top cannot be lost by adding a route.
 */
import type { RuleExclusion } from "../../inspect/exclusions.js";
import { type Family, TARGETS } from "../../inspect/types.js";
import type { Mode } from "../../policy/decision.js";
import {
  type PolicySet,
  type RouteMatch,
  type RoutePolicy,
  type RouteRule,
  routePolicyOf,
} from "../../policy/route-policy.js";
import type { ExclusionDocument, RouteDocument } from "./document.js";
import { splitField } from "./semantic-checks.js";

/** The global values, after flags and environment have had their say. */
export interface GlobalPolicy {
  readonly mode: Mode;
  readonly threshold: number;
  readonly responseThreshold: number;
  readonly paranoia: number;
  readonly statuses: { readonly block: number; readonly limit: number };
}

/** What the file says about policies beyond the global values. */
export interface PolicyDocument {
  readonly families?: readonly Family[] | undefined;
  readonly exclusions?: readonly ExclusionDocument[] | undefined;
  readonly routes?: readonly RouteDocument[] | undefined;
}

export function buildPolicySet(global: GlobalPolicy, doc: PolicyDocument = {}): PolicySet {
  const exclusions = (doc.exclusions ?? []).flatMap(ruleExclusions);
  const fallback = routePolicyOf(
    {
      mode: global.mode,
      threshold: global.threshold,
      blockStatus: global.statuses.block,
      limitStatus: global.statuses.limit,
    },
    {
      responseThreshold: global.responseThreshold,
      paranoia: global.paranoia,
      families: doc.families === undefined ? undefined : new Set(doc.families),
      exclusions,
      bodyModes: {},
    },
  );
  const routes = (doc.routes ?? []).map(
    (route): RouteRule => ({
      match: matchOf(route.match),
      policy: routePolicy(route, fallback),
    }),
  );
  return { routes, fallback };
}

function routePolicy(route: RouteDocument, fallback: RoutePolicy): RoutePolicy {
  return {
    ...fallback,
    name: route.name,
    mode: route.mode ?? fallback.mode,
    threshold: route.threshold ?? fallback.threshold,
    responseThreshold: route.responseThreshold ?? fallback.responseThreshold,
    paranoia: route.paranoia ?? fallback.paranoia,
    families: route.families === undefined ? fallback.families : new Set(route.families),
    exclusions: [...fallback.exclusions, ...(route.exclusions ?? []).flatMap(ruleExclusions)],
    bodyModes: route.bodyModes ?? {},
  };
}

function matchOf(match: RouteDocument["match"]): RouteMatch {
  return {
    ...(match.routeName === undefined ? {} : { routeName: match.routeName }),
    ...(match.host === undefined ? {} : { host: match.host.toLowerCase() }),
    ...(match.pathPrefix === undefined ? {} : { pathPrefix: match.pathPrefix }),
  };
}

/** One RuleExclusion per field; no fields means every target. */
export function ruleExclusions(doc: ExclusionDocument): RuleExclusion[] {
  const what = {
    ...(doc.signatures === undefined ? {} : { ids: doc.signatures }),
    ...(doc.families === undefined ? {} : { families: doc.families }),
  };
  if (doc.fields === undefined) return TARGETS.map((target) => ({ ...what, target }));
  return doc.fields.map((field) => {
    const { target, name } = splitField(field);
    return name === undefined ? { ...what, target } : { ...what, target, field: name };
  });
}

/** Highest paranoia any route asks for: the level the engine must compile. */
export function compileParanoia(policies: PolicySet): number {
  return Math.max(policies.fallback.paranoia, ...policies.routes.map((r) => r.policy.paranoia));
}
