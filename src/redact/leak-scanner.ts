/**
 * Scans one response for the leak set (signatures/compile-leaks.ts): header values whole, the
 * body as a stream. A hit of a validating signature counts only when its bytes pass the check
 * (so the bytes must still be at hand: the body's tail is held back, hold-back.ts). When the
 * body is being rewritten (FULL_DUPLEX_STREAMED, enforce mode), a hit of a redacting signature
 * marks its bytes instead of becoming a finding: those bytes never leave weir, so there is
 * nothing left to block; everything else becomes a Match, once per signature and response.
 *
 * Matches come with start offsets (HS_FLAG_SOM_LEFTMOST) and every occurrence is reported, so
 * one scan call can report many; the body is scanned in slices small enough that the shared
 * match buffer cannot overflow (each expression reports at most once per end offset).
 */
import { MatchBuffer, type Stream } from "hyperscan-js";
import { type Exclusions, NO_EXCLUSIONS } from "../inspect/exclusions.js";
import type { Match, Target } from "../inspect/types.js";
import type { LeakMember, LeakSet } from "../signatures/compile-leaks.js";
import { HoldBack, PIECE_BYTES, type Window } from "./hold-back.js";
import { MarkedRegions } from "./marked-regions.js";
import { RewriteWriter } from "./rewrite.js";
import { redactedStart } from "./span.js";
import { validates } from "./validators.js";

/**
 * 2.6 MiB shared. A member that validates or redacts reports at most once per end offset, the
 * others at most once per stream (singlematch): with ten of the former a scan call covers 13 KiB.
 */
const MATCH_CAPACITY = 131072;
const SHARED_BUFFER = new MatchBuffer(MATCH_CAPACITY);
const EMPTY = new Uint8Array(0);
const NO_MATCHES: readonly Match[] = Object.freeze([]);
const NO_IDS: ReadonlySet<number> = new Set();
const NO_SPANS = new Float64Array(0);

/** What every scanner of one set shares, computed once per set. */
interface SetFacts {
  /** Overlap precedence of each mark value (member index + 1): token beats mask, then the later member. */
  readonly ranks: Int32Array;
  /** Bytes per scan call, so that one call's matches always fit the shared buffer. */
  readonly slice: number;
}

const FACTS = new WeakMap<LeakSet, SetFacts>();
function factsOf(set: LeakSet): SetFacts {
  let facts = FACTS.get(set);
  if (facts === undefined) {
    const ranks = new Int32Array(set.members.length + 1);
    set.members.forEach((m, index) => {
      const styleRank = m.style === "token" ? 2 : m.style === "mask" ? 1 : 0;
      ranks[index + 1] = styleRank * 65536 + index + 1;
    });
    // Members with a width validate or redact: they report every occurrence.
    const everyOccurrence = set.members.filter((m) => m.width > 0).length;
    const room = MATCH_CAPACITY - (set.members.length - everyOccurrence);
    const slice = Math.max(1, Math.floor(room / Math.max(1, everyOccurrence)));
    facts = { ranks, slice };
    FACTS.set(set, facts);
  }
  return facts;
}

/** What a route narrows (the same shape as inspect/match-collector.ts CollectorScope). */
export interface LeakScope {
  readonly exclusions: Exclusions;
  readonly ignored: ReadonlySet<number>;
}

/** Redactions since the last take: one Match per occurrence, and the bytes replaced. */
export interface Redactions {
  readonly matches: readonly Match[];
  readonly maskedBytes: number;
}

export class LeakScanner {
  readonly #set: LeakSet;
  readonly #members: readonly LeakMember[];
  /** Bytes per scan call, so that one call's matches always fit the shared buffer. */
  readonly #slice: number;
  /** Overlap precedence of each mark value (member index + 1): token beats mask. */
  readonly #ranks: Int32Array;
  /** Per member: the last span it marked, absolute [start, end). */
  #spanStart: Float64Array;
  #spanEnd: Float64Array;
  #exclusions: Exclusions = NO_EXCLUSIONS;
  #ignored: ReadonlySet<number> = NO_IDS;
  readonly #fired = new Set<number>();
  #fresh: Match[] = [];
  readonly #excluded: Match[] = [];
  #headerStream: Stream | undefined;
  #bodyStream: Stream | undefined;
  #hold: HoldBack | undefined;
  #writer: RewriteWriter | undefined;
  #output: Uint8Array[] = [];
  #bodyStarted = false;
  #bodyEnded = false;
  /** Body bytes received while rewriting. */
  #bytesTaken = 0;
  #bypassed = false;
  /** Marked regions not yet released, absolute [start, end) (marked-regions.ts). */
  readonly #marked = new MarkedRegions();
  #late = 0;

  constructor(set: LeakSet) {
    this.#set = set;
    this.#members = set.members;
    const facts = factsOf(set);
    this.#slice = facts.slice;
    this.#ranks = facts.ranks;
    this.#spanStart = NO_SPANS;
    this.#spanEnd = NO_SPANS;
  }

  /** Matches whose start had already been released: a breach of Hyperscan's contract, never seen. */
  get late(): number {
    return this.#late;
  }

  useScope(scope: LeakScope): void {
    this.#exclusions = scope.exclusions;
    this.#ignored = scope.ignored;
  }

  /** Body bytes held back now (at most the hold-back width). */
  get heldBytes(): number {
    return this.#hold?.held ?? 0;
  }

  /** True once body rewriting is on, until it is bypassed. */
  get rewriting(): boolean {
    return this.#writer !== undefined && !this.#bypassed;
  }

  get bytesTaken(): number {
    return this.#bytesTaken;
  }

  /**
   * Releases the held tail now, with the marks found so far, and stops: the rest of the body
   * is neither rewritten nor scanned (its bytes no longer come here).
   */
  bypass(): Uint8Array[] {
    const hold = this.#hold;
    if (this.rewriting && hold !== undefined && !this.#bodyEnded) {
      this.#writer?.begin();
      hold.close(hold.open(EMPTY), true, this.#release);
      this.#collectOutput();
    }
    this.#bypassed = true;
    this.#bodyEnded = true;
    return this.takeOutput();
  }

  /**
   * Rewrites the body from now on (before its first byte only): redacting hits mark bytes,
   * and body() keeps the rewritten bytes for takeOutput(). False when nothing redacts.
   */
  startRewriting(): boolean {
    if (this.#writer !== undefined) return true;
    if (this.#bodyStarted || !this.#set.redacts) return false;
    this.#writer = new RewriteWriter(
      this.#members.map((m) => m.style),
      this.#set.options,
    );
    this.#spanStart = new Float64Array(this.#members.length).fill(-1);
    this.#spanEnd = new Float64Array(this.#members.length).fill(-1);
    return true;
  }

  header(name: string, value: Uint8Array): void {
    if (value.length === 0) return;
    this.#headerStream ??= this.#set.stream.openStream();
    const stream = this.#headerStream;
    const lowered = name.toLowerCase();
    for (let at = 0; at < value.length; at += this.#slice) {
      stream.scan(value.subarray(at, Math.min(at + this.#slice, value.length)), SHARED_BUFFER);
      this.#headerHits(name, lowered, value);
    }
    stream.reset(SHARED_BUFFER);
    this.#headerHits(name, lowered, value);
  }

  body(chunk: Uint8Array): void {
    if (this.#bodyEnded || chunk.length === 0) return;
    if (!this.#bodyStarted) this.#startBody();
    if (this.#writer !== undefined) this.#bytesTaken += chunk.length;
    this.#writer?.begin();
    for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
      this.#piece(chunk.subarray(at, Math.min(at + PIECE_BYTES, chunk.length)));
    }
    this.#collectOutput();
  }

  /** End of the body: end-of-data matches, then the held tail is released. */
  endBody(): void {
    if (this.#bodyEnded) return;
    this.#bodyEnded = true;
    const stream = this.#bodyStream;
    if (stream === undefined) return;
    this.#writer?.begin();
    const hold = this.#hold;
    const window = hold?.open(EMPTY);
    stream.close(SHARED_BUFFER);
    this.#bodyHits(window);
    if (hold !== undefined && window !== undefined) hold.close(window, true, this.#release);
    this.#collectOutput();
  }

  /** Findings since the last call. */
  takeFresh(): readonly Match[] {
    if (this.#fresh.length === 0) return NO_MATCHES;
    const out = this.#fresh;
    this.#fresh = [];
    return out;
  }

  /** Rewritten body bytes released since the last call (possibly none). */
  takeOutput(): Uint8Array[] {
    const out = this.#output;
    this.#output = [];
    return out;
  }

  takeRedactions(): Redactions | undefined {
    const counts = this.#writer?.takeCounts();
    if (counts === undefined) return undefined;
    const matches: Match[] = [];
    for (const [index, occurrences] of counts.occurrences) {
      const member = this.#members[index];
      if (member === undefined) continue;
      for (let i = 0; i < occurrences; i++)
        matches.push(this.#match(member, "response_body", "", 0));
    }
    return { matches, maskedBytes: counts.maskedBytes };
  }

  /** Hits an exclusion dropped, one per signature id. */
  get excluded(): readonly Match[] {
    return this.#excluded;
  }

  close(): void {
    this.#headerStream?.close();
    this.#bodyStream?.close();
    this.#headerStream = undefined;
    this.#bodyStream = undefined;
    this.#bodyEnded = true;
  }

  #startBody(): void {
    this.#bodyStarted = true;
    this.#bodyStream = this.#set.stream.openStream();
    const width = this.#writer !== undefined ? this.#set.rewriteWidth : this.#set.validateWidth;
    if (this.#writer !== undefined || width > 0) this.#hold = new HoldBack(width);
  }

  #piece(piece: Uint8Array): void {
    const stream = this.#bodyStream;
    if (stream === undefined) return;
    const hold = this.#hold;
    const window = hold?.open(piece);
    for (let at = 0; at < piece.length; at += this.#slice) {
      stream.scan(piece.subarray(at, Math.min(at + this.#slice, piece.length)), SHARED_BUFFER);
      this.#bodyHits(window);
    }
    if (hold !== undefined && window !== undefined) hold.close(window, false, this.#release);
  }

  readonly #release = (window: Window, count: number): void => {
    const end = window.base + count;
    this.#writer?.write(window, count, this.#marked.take(end));
  };

  #collectOutput(): void {
    const writer = this.#writer;
    if (writer === undefined) return;
    const bytes = writer.output();
    if (bytes.length > 0) this.#output.push(bytes);
  }

  #headerHits(name: string, lowered: string, value: Uint8Array): void {
    const buf = SHARED_BUFFER;
    this.#checkOverflow();
    for (let i = 0; i < buf.count; i++) {
      const member = this.#members[buf.ids[i] ?? -1];
      if (member === undefined || this.#fired.has(member.id) || this.#ignored.has(member.id))
        continue;
      if (!member.targets.has("response_headers")) continue;
      const selectors = member.targets.get("response_headers");
      if (selectors !== undefined && !selectors.has(lowered)) continue;
      const from = buf.from[i] ?? 0;
      const to = buf.to[i] ?? 0;
      if (member.validate !== undefined && !validates(member.validate, value, from, to)) continue;
      this.#found(member, "response_headers", name, lowered, to);
    }
    buf.clear();
  }

  #bodyHits(window: Window | undefined): void {
    const buf = SHARED_BUFFER;
    this.#checkOverflow();
    for (let i = 0; i < buf.count; i++) {
      const index = buf.ids[i] ?? -1;
      const member = this.#members[index];
      if (member === undefined || this.#ignored.has(member.id)) continue;
      if (!member.targets.has("response_body")) continue;
      const redacts = this.#writer !== undefined && member.style !== undefined;
      if (!redacts && this.#fired.has(member.id)) continue;
      const from = buf.from[i] ?? 0;
      const to = buf.to[i] ?? 0;
      if (member.validate !== undefined) {
        if (window === undefined || from < window.base) {
          this.#late++;
          continue;
        }
        if (!validates(member.validate, window.bytes, from - window.base, to - window.base))
          continue;
      }
      if (this.#exclusions.excludes(member.id, member.family, "response_body", "")) {
        this.#exclude(this.#match(member, "response_body", "", to));
        continue;
      }
      if (redacts && window !== undefined) this.#mark(window, index, member, from, to);
      else this.#found(member, "response_body", "", "", to);
    }
    buf.clear();
  }

  /** Marks the bytes of one redacting hit (after `redact_after`) in the window. */
  #mark(window: Window, index: number, member: LeakMember, from: number, to: number): void {
    const { base, bytes, marks } = window;
    let start = redactedStart(bytes, base, from, to, member.redactAfter);
    if (start < base) {
      this.#late++;
      start = base;
    }
    if (start >= to) return;
    // A span that continues this member's previous one only marks what is new.
    const prevStart = this.#spanStart[index] ?? -1;
    const prevEnd = this.#spanEnd[index] ?? -1;
    const continues = start >= prevStart && start <= prevEnd;
    const first = continues ? Math.max(prevEnd, start) : start;
    if (continues) this.#spanEnd[index] = Math.max(prevEnd, to);
    else {
      this.#spanStart[index] = start;
      this.#spanEnd[index] = to;
    }
    if (first >= to) return;
    const mark = index + 1;
    const rank = this.#ranks[mark] ?? 0;
    for (let k = first - base; k < to - base; k++) {
      if ((this.#ranks[marks[k] ?? 0] ?? 0) < rank) marks[k] = mark;
    }
    this.#marked.add(first, to);
  }

  #found(member: LeakMember, target: Target, field: string, lowered: string, to: number): void {
    const match = this.#match(member, target, field, to);
    if (this.#exclusions.excludes(member.id, member.family, target, lowered)) {
      this.#exclude(match);
      return;
    }
    this.#fired.add(member.id);
    this.#fresh.push(match);
  }

  #exclude(match: Match): void {
    if (this.#excluded.some((m) => m.signatureId === match.signatureId)) return;
    this.#excluded.push(match);
  }

  #match(member: LeakMember, target: Target, field: string, offset: number): Match {
    return {
      signatureId: member.id,
      family: member.family,
      severity: member.severity,
      score: member.score,
      target,
      field,
      offset,
    };
  }

  #checkOverflow(): void {
    const buf = SHARED_BUFFER;
    if (buf.dropped === 0) return;
    const dropped = buf.dropped;
    buf.clear();
    throw new Error(
      `leak match buffer overflow: ${dropped} matches dropped (capacity ${buf.capacity})`,
    );
  }
}
