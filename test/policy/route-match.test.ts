/**
 * The one runner for test/fixtures/routes/*.json: each file is a route table (name + match, in
 * order) and cases of RouteFacts with the route name resolveRoute must pick ("default" for the
 * fallback).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";
import { hostMatches, normalizeHost, resolveRoute } from "../../src/policy/route-match.js";
import {
  type PolicySet,
  type RouteFacts,
  type RouteMatch,
  routePolicyOf,
} from "../../src/policy/route-policy.js";

const DIR = new URL("../fixtures/routes/", import.meta.url).pathname;

interface RouteTable {
  readonly file: string;
  readonly description: string;
  readonly routes: { readonly name: string; readonly match: RouteMatch }[];
  readonly cases: {
    readonly name: string;
    readonly facts: Partial<RouteFacts>;
    readonly expected: string;
  }[];
}

const tables: RouteTable[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, ...JSON.parse(readFileSync(join(DIR, file), "utf8")) }));

function policySet(table: RouteTable): PolicySet {
  return {
    routes: table.routes.map((r) => ({
      match: r.match,
      policy: routePolicyOf(DEFAULT_POLICY, { name: r.name }),
    })),
    fallback: routePolicyOf(DEFAULT_POLICY),
  };
}

function facts(partial: Partial<RouteFacts>): RouteFacts {
  return {
    routeName: partial.routeName,
    host: partial.host,
    path: partial.path,
  };
}

describe.each(tables)("route table $file", (table) => {
  const set = policySet(table);
  it.each(table.cases)("$name", (c) => {
    expect(resolveRoute(set, facts(c.facts)).name).toBe(c.expected);
  });
});

describe("route resolution", () => {
  it("has route tables to run", () => {
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect(t.cases.length).toBeGreaterThan(0);
  });

  it("returns the fallback object itself when no route matches", () => {
    const set = { routes: [], fallback: routePolicyOf(DEFAULT_POLICY) };
    expect(resolveRoute(set, facts({ path: "/" }))).toBe(set.fallback);
  });

  it("normalises an authority and matches wildcards on it", () => {
    expect(normalizeHost(" User@Example.COM:80 ")).toBe("example.com");
    expect(hostMatches("*.example.com", normalizeHost("x.example.com"))).toBe(true);
    expect(hostMatches("*.example.com", normalizeHost("example.com"))).toBe(false);
  });
});
