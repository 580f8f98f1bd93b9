/**
 * Per-route narrowing of one engine, compiled once per route and reused by every exchange of
 * that route: which signatures do not count (above the route's paranoia level, outside its
 * families) and which exclusions apply (the engine's own, then the route's). A route's scope
 * is looked up on each exchange, so the lookup is a map access and the work happens once.
 *
 * Paranoia and families are applied at match time, not at compile time: one engine (compiled
 * at the highest paranoia level any route asks for) serves every route, and a reload that only
 * changes a route's level needs no recompilation. A hit of an ignored signature costs one set
 * lookup. Decoder and limit findings are never ignored or excluded.
 */
import { Exclusions, type RuleExclusion } from "./exclusions.js";
import type { CollectorScope } from "./match-collector.js";
import type { Family, InspectionScope } from "./types.js";

/** What the scope needs to know of each compiled signature. */
export interface SignatureFacts {
  readonly id: number;
  readonly family: Family;
  readonly paranoia: number;
}

/** Bound on cached scopes: routes come from configuration, a handful to a few hundred. */
const MAX_CACHED = 1024;

export class ScopeCompiler {
  readonly #ignoredByKey = new Map<string, ReadonlySet<number>>();
  readonly #exclusionsByList = new WeakMap<readonly RuleExclusion[], Exclusions>();
  readonly #base: Exclusions;

  constructor(
    private readonly signatures: readonly SignatureFacts[],
    private readonly baseRules: readonly RuleExclusion[],
  ) {
    this.#base = new Exclusions(baseRules);
  }

  compile(scope: InspectionScope, excerpts: boolean): CollectorScope {
    return { ignored: this.#ignored(scope), exclusions: this.#exclusions(scope), excerpts };
  }

  #ignored(scope: InspectionScope): ReadonlySet<number> {
    const families = scope.families === undefined ? "*" : [...scope.families].sort().join(",");
    const key = `${scope.paranoia}|${families}`;
    let ignored = this.#ignoredByKey.get(key);
    if (ignored === undefined) {
      const set = new Set<number>();
      for (const s of this.signatures) {
        const outside = scope.families !== undefined && !scope.families.has(s.family);
        if (s.paranoia > scope.paranoia || outside) set.add(s.id);
      }
      ignored = set;
      if (this.#ignoredByKey.size >= MAX_CACHED) this.#ignoredByKey.clear();
      this.#ignoredByKey.set(key, ignored);
    }
    return ignored;
  }

  #exclusions(scope: InspectionScope): Exclusions {
    if (scope.exclusions.length === 0) return this.#base;
    let merged = this.#exclusionsByList.get(scope.exclusions);
    if (merged === undefined) {
      merged = new Exclusions([...this.baseRules, ...scope.exclusions]);
      this.#exclusionsByList.set(scope.exclusions, merged);
    }
    return merged;
  }
}
