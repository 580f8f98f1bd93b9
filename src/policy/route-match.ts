/**
 * Choosing an exchange's RoutePolicy from its RouteFacts: the first rule of the set whose every
 * given condition holds, else the set's fallback. Called once per exchange, at its first
 * message; the policy then holds for the whole exchange.
 *
 * - Route name: exact, case-sensitive (Envoy's `xds.route_name`, the name in Envoy's config).
 * - Host: compared without port, case-insensitively and without a trailing dot; `*.example.com`
 *   matches any subdomain at any depth (`a.example.com`, `a.b.example.com`) but not
 *   `example.com` itself, as in Envoy's virtual-host domains.
 * - Path prefix: a plain byte prefix (as Envoy's route `prefix`: `/api` also matches `/apix`;
 *   write `/api/` to mean the directory) of the path as the application resolves it: the part
 *   before `?`, percent-decoded once, `\` read as `/`, repeated `/` collapsed and dot segments
 *   resolved (decode/path.ts, the same form signatures see as `request_filename`).
 *   Why the normalised path and not the raw bytes: a route is where operators loosen inspection
 *   (exclusions, detect mode). Matched on raw bytes, `/api/notes/../admin` would get the
 *   `/api/notes` policy while the application serves `/admin`; and `/api/%6eotes` would escape a
 *   stricter `/api/notes` route while the application serves `/api/notes`. On the normalised
 *   path the policy follows the resource the application will actually serve, whatever the
 *   spelling. Case is kept: paths are case-sensitive in HTTP and in Envoy's default matching.
 */
import { normalizePath } from "../decode/path.js";
import type { PolicySet, RouteFacts, RouteMatch, RoutePolicy } from "./route-policy.js";

const encoder = new TextEncoder();

/** The RoutePolicy for these facts: the first matching rule, else the fallback. */
export function resolveRoute(set: PolicySet, facts: RouteFacts): RoutePolicy {
  if (set.routes.length === 0) return set.fallback;
  const prepared = prepareFacts(facts);
  for (const rule of set.routes) {
    if (routeMatches(rule.match, prepared)) return rule.policy;
  }
  return set.fallback;
}

interface PreparedFacts {
  readonly routeName: string | undefined;
  readonly host: string | undefined;
  /** Computed on first use: only rules with a path prefix need it. */
  path(): Uint8Array | undefined;
}

function prepareFacts(facts: RouteFacts): PreparedFacts {
  let path: Uint8Array | undefined;
  let pathDone = false;
  return {
    routeName: facts.routeName,
    host: facts.host === undefined ? undefined : normalizeHost(facts.host),
    path() {
      if (!pathDone) {
        pathDone = true;
        path = facts.path === undefined ? undefined : normalizePath(facts.path);
      }
      return path;
    },
  };
}

/** A RouteMatch with its host pattern normalised and its prefix encoded, once per rule. */
interface CompiledMatch {
  readonly routeName: string | undefined;
  /** The exact host, or the suffix (".example.com") of a wildcard. */
  readonly host: string | undefined;
  readonly wildcard: boolean;
  readonly prefix: Uint8Array | undefined;
}

const compiledMatches = new WeakMap<RouteMatch, CompiledMatch>();

function compiled(match: RouteMatch): CompiledMatch {
  let c = compiledMatches.get(match);
  if (c === undefined) {
    const wildcard = match.host?.startsWith("*.") === true;
    c = {
      routeName: match.routeName,
      host:
        match.host === undefined
          ? undefined
          : normalizeHost(wildcard ? match.host.slice(1) : match.host),
      wildcard,
      prefix: match.pathPrefix === undefined ? undefined : encoder.encode(match.pathPrefix),
    };
    compiledMatches.set(match, c);
  }
  return c;
}

function routeMatches(match: RouteMatch, facts: PreparedFacts): boolean {
  const m = compiled(match);
  if (m.routeName !== undefined && m.routeName !== facts.routeName) return false;
  if (m.host !== undefined) {
    if (facts.host === undefined || !hostIs(m.host, m.wildcard, facts.host)) return false;
  }
  if (m.prefix !== undefined) {
    const path = facts.path();
    if (path === undefined || !startsWith(path, m.prefix)) return false;
  }
  return true;
}

/**
 * A Host or `:authority` value as compared: lower case, without port, brackets kept off an
 * IPv6 literal, without a trailing dot. Userinfo (`user@host`) never reaches Envoy's
 * `:authority` for HTTP, but is dropped if present.
 */
export function normalizeHost(authority: string): string {
  let host = authority.trim().toLowerCase();
  const at = host.lastIndexOf("@");
  if (at >= 0) host = host.slice(at + 1);
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    host = close < 0 ? host.slice(1) : host.slice(1, close);
  } else {
    const colon = host.indexOf(":");
    if (colon >= 0) host = host.slice(0, colon);
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host;
}

/** `pattern` as configured (exact or `*.suffix`) against a normalised host. */
export function hostMatches(pattern: string, host: string): boolean {
  const wildcard = pattern.startsWith("*.");
  return hostIs(normalizeHost(wildcard ? pattern.slice(1) : pattern), wildcard, host);
}

function hostIs(wanted: string, wildcard: boolean, host: string): boolean {
  if (!wildcard) return host === wanted;
  // wanted is ".example.com": a subdomain has at least one character before it.
  return host.length > wanted.length && host.endsWith(wanted);
}

function startsWith(value: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > value.length) return false;
  for (let i = 0; i < prefix.length; i++) if (value[i] !== prefix[i]) return false;
  return true;
}
