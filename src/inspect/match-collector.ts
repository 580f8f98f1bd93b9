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

/** Bytes of context kept before and after a match's end offset for an excerpt. */
export const EXCERPT_BEFORE = 48;
export const EXCERPT_AFTER = 16;

/**
 * What an exchange's route narrows (inspect/scope.ts compiles it once per route): signatures
 * that do not count at all, exclusions on top of the engine's, and whether hits keep an excerpt.
 */
export interface CollectorScope {
  readonly exclusions: Exclusions;
  /** Signature ids above the route's paranoia level or outside its families. */
  readonly ignored: ReadonlySet<number>;
  readonly excerpts: boolean;
}

export class MatchCollector {
  readonly buffer = SHARED_BUFFER;
  /** Signature ids that fired; made on the first hit (most exchanges have none). */
  private fired: Set<number> | undefined;
  private fresh: Match[] = [];
  private readonly all: Match[] = [];

  /**
   * The request body is decoded into fields (form, JSON, multipart): raw-body hits of a
   * signature excluded on some argument do not count (exclusions.ts).
   */
  rawBodyHasFields = false;

  private ignored: ReadonlySet<number> = NO_IDS;
  private excerpts = false;
  /** Excluded hits, one per signature id (the first field it was excluded on). */
  private readonly excludedHits: Match[] = [];
  private excludedIds: Set<number> | undefined;
  /** The bytes the last scan looked at and the offset of their first byte (excerpts). */
  private window: Uint8Array | undefined;
  private windowBase = 0;

  constructor(private exclusions: Exclusions = NO_EXCLUSIONS) {}

  /** Narrow to a route's scope; before the first scan (engine.ts enforces once). */
  useScope(scope: CollectorScope): void {
    this.exclusions = scope.exclusions;
    this.ignored = scope.ignored;
    this.excerpts = scope.excerpts;
  }

  /**
   * Scanners name the bytes they just scanned (as scanned: after transforms) and the stream
   * offset of their first byte, so a hit can keep an excerpt while the value is in hand. The
   * next `drain` uses and forgets them.
   */
  inHand(bytes: Uint8Array, base: number): void {
    this.window = bytes;
    this.windowBase = base;
  }

  /** Hits dropped by an exclusion, one per signature id, in order. */
  get excluded(): readonly Match[] {
    return this.excludedHits;
  }

  /** Converts what the last scans left in `buffer` for `group`, then clears the buffer. */
  drain(group: SignatureGroup, target: Target, field: string): void {
    const buf = this.buffer;
    // The bytes in hand belong to this scan only: a later drain must never excerpt them (they
    // may sit in a buffer that another exchange reuses by then).
    const window = this.window;
    this.window = undefined;
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
      if (member === undefined || this.fired?.has(member.id) === true) continue;
      if (this.ignored.has(member.id)) continue;
      // A database serves every target of its members: keep hits on this member's targets.
      if (!member.targets.has(target)) continue;
      const selectors = member.targets.get(target);
      if (selectors !== undefined) {
        lowered ??= field.toLowerCase();
        if (!selectors.has(lowered)) continue;
      }
      const offset = buf.to[i] ?? 0;
      const match: Match = {
        signatureId: member.id,
        family: member.family,
        severity: member.severity,
        score: member.score,
        target,
        field,
        offset,
        ...(this.excerpts && window !== undefined
          ? excerptOf(window, this.windowBase, offset)
          : {}),
      };
      if (!this.exclusions.empty) {
        lowered ??= field.toLowerCase();
        if (
          this.exclusions.excludes(member.id, member.family, target, lowered) ||
          (target === "request_body" &&
            this.rawBodyHasFields &&
            this.exclusions.excludesSomeField(member.id, member.family, "args"))
        ) {
          this.exclude(match);
          continue;
        }
      }
      this.add(match);
    }
    buf.clear();
  }

  /** A decoder or budget finding. */
  finding(rule: FindingRule, target: Target, field: string): void {
    if (this.fired?.has(rule.id) === true) return;
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

  private exclude(match: Match): void {
    this.excludedIds ??= new Set();
    if (this.excludedIds.has(match.signatureId)) return;
    this.excludedIds.add(match.signatureId);
    this.excludedHits.push(match);
  }

  private add(match: Match): void {
    this.fired ??= new Set();
    this.fired.add(match.signatureId);
    this.fresh.push(match);
    this.all.push(match);
  }
}

const EMPTY: readonly Match[] = Object.freeze([]);
const NO_IDS: ReadonlySet<number> = new Set();

/**
 * The bytes around a match's end that are still in hand (a copy: the scanned buffer is reused).
 * Hyperscan reports where a match ends, not where it starts, so the excerpt is the end offset's
 * neighbourhood; bytes of an earlier chunk are gone and simply not included.
 */
function excerptOf(window: Uint8Array, base: number, end: number): { excerpt?: Uint8Array } {
  const at = end - base;
  if (at < 0 || at > window.length) return {};
  const from = Math.max(0, at - EXCERPT_BEFORE);
  const to = Math.min(window.length, at + EXCERPT_AFTER);
  return { excerpt: window.slice(from, to) };
}
