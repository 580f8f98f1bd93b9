/**
 * Rule exclusions, as CRS writes them with `SecRuleUpdateTargetById 941100 "!ARGS:comment"`:
 * some signatures (by id, or a whole family) do not apply to one target, or to one field of a
 * target. An excluded hit is dropped before it counts, and it does not mark its signature as
 * fired: the same signature still fires on any other field of the exchange (shared case 43;
 * each value has its own stream state, so a hit is always attributed to the field it is in).
 * Decoder and limit findings are never excluded.
 *
 * The raw view of a body that is decoded into fields is not a second chance for a signature the
 * operator excluded on one of its fields: that signature's `request_body` hits do not count on
 * such a body (its other fields are still scanned one by one). A raw hit cannot be attributed
 * to a field, and without this rule `!ARGS:comment` would never let a form through.
 */
import type { Family, Target } from "./types.js";

export interface RuleExclusion {
  /** Signature ids the exclusion applies to. */
  readonly ids?: readonly number[];
  /** Every signature of these families. */
  readonly families?: readonly Family[];
  readonly target: Target;
  /** One field or header name (compared case-insensitively); absent: the whole target. */
  readonly field?: string;
}

interface Compiled {
  readonly ids: ReadonlySet<number>;
  readonly families: ReadonlySet<Family>;
  /** Lower-case field name, or undefined for every field. */
  readonly field: string | undefined;
}

export class Exclusions {
  private readonly byTarget = new Map<Target, Compiled[]>();

  constructor(exclusions: readonly RuleExclusion[] = []) {
    for (const e of exclusions) {
      if ((e.ids?.length ?? 0) === 0 && (e.families?.length ?? 0) === 0) {
        const where = e.field === undefined ? e.target : `${e.target}:${e.field}`;
        throw new Error(`rule exclusion on ${where} names no signature ids and no families`);
      }
      const list = this.byTarget.get(e.target) ?? [];
      list.push({
        ids: new Set(e.ids ?? []),
        families: new Set(e.families ?? []),
        field: e.field?.toLowerCase(),
      });
      this.byTarget.set(e.target, list);
    }
  }

  get empty(): boolean {
    return this.byTarget.size === 0;
  }

  /** True when signature `id` of `family` is excluded on some field of `target`. */
  excludesSomeField(id: number, family: Family, target: Target): boolean {
    for (const e of this.byTarget.get(target) ?? []) {
      if (e.field !== undefined && (e.ids.has(id) || e.families.has(family))) return true;
    }
    return false;
  }

  /** True when signature `id` of `family` must not count on `field` (lower case) of `target`. */
  excludes(id: number, family: Family, target: Target, field: string): boolean {
    const list = this.byTarget.get(target);
    if (list === undefined) return false;
    for (const e of list) {
      if (e.field !== undefined && e.field !== field) continue;
      if (e.ids.has(id) || e.families.has(family)) return true;
    }
    return false;
  }
}

export const NO_EXCLUSIONS = new Exclusions();
