/**
 * Turns raw Hyperscan hits into Match values for one direction: applies each signature's
 * selector (a signature limited to `request_headers:user-agent` ignores other headers),
 * drops signatures that already fired in this direction, and gathers the fresh matches of the
 * current message. One MatchBuffer per direction is reused for every scan.
 */
import { MatchBuffer } from "hyperscan-js";
import type { SignatureGroup } from "../signatures/compile.js";
import { type Exclusions, NO_EXCLUSIONS } from "./exclusions.js";
import { type FindingRule, findingScore } from "./findings.js";
import type { Match, Target } from "./types.js";

/**
 * One buffer for every collector of the process: each scan is drained synchronously before the
 * next scan starts (JavaScript runs one scan at a time per thread), so sharing it is safe and
 * saves 2 x 20 KiB per open exchange. With singlematch a scan reports each expression at most
 * once, so a database never reports more matches than it has members; the compiler refuses
 * groups larger than this capacity, and `drain` treats a dropped match as a defect.
 */
export const MATCH_CAPACITY = 4096;
const SHARED_BUFFER = new MatchBuffer(MATCH_CAPACITY);

export class MatchCollector {
  readonly buffer = SHARED_BUFFER;
  private readonly fired = new Set<number>();
  private fresh: Match[] = [];
  private readonly all: Match[] = [];

  /**
   * The request body is decoded into fields (form, JSON, multipart): raw-body hits of a
   * signature excluded on some argument do not count (exclusions.ts).
   */
  rawBodyHasFields = false;

  constructor(private readonly exclusions: Exclusions = NO_EXCLUSIONS) {}

  /** Converts what the last scans left in `buffer` for `group`, then clears the buffer. */
  drain(group: SignatureGroup, target: Target, field: string): void {
    const buf = this.buffer;
    if (buf.count === 0) return;
    if (buf.dropped > 0) {
      const dropped = buf.dropped;
      buf.clear();
      throw new Error(
        `match buffer overflow: ${dropped} matches dropped (capacity ${buf.capacity})`,
      );
    }
    let lowered: string | undefined;
    for (let i = 0; i < buf.count; i++) {
      const member = group.members[buf.ids[i] ?? -1];
      if (member === undefined || this.fired.has(member.id)) continue;
      // A database serves every target of its members: keep hits on this member's targets.
      if (!member.targets.has(target)) continue;
      const selectors = member.targets.get(target);
      if (selectors !== undefined) {
        lowered ??= field.toLowerCase();
        if (!selectors.has(lowered)) continue;
      }
      if (!this.exclusions.empty) {
        lowered ??= field.toLowerCase();
        if (this.exclusions.excludes(member.id, member.family, target, lowered)) continue;
        if (
          target === "request_body" &&
          this.rawBodyHasFields &&
          this.exclusions.excludesSomeField(member.id, member.family, "args")
        ) {
          continue;
        }
      }
      this.add({
        signatureId: member.id,
        family: member.family,
        severity: member.severity,
        score: member.score,
        target,
        field,
        offset: buf.to[i] ?? 0,
      });
    }
    buf.clear();
  }

  /** A decoder or budget finding. */
  finding(rule: FindingRule, target: Target, field: string): void {
    if (this.fired.has(rule.id)) return;
    this.add({
      signatureId: rule.id,
      family: rule.family,
      severity: rule.severity,
      score: findingScore(rule),
      target,
      field,
      offset: 0,
    });
  }

  /** The matches added since the last call. */
  takeFresh(): readonly Match[] {
    if (this.fresh.length === 0) return EMPTY;
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  get matches(): readonly Match[] {
    return this.all;
  }

  private add(match: Match): void {
    this.fired.add(match.signatureId);
    this.fresh.push(match);
    this.all.push(match);
  }
}

const EMPTY: readonly Match[] = Object.freeze([]);
