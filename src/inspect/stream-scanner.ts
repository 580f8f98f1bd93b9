/**
 * Scans one value that arrives in pieces (a body field, a raw body), so a pattern cut by a
 * chunk boundary is still found.
 *
 * Most fields of a form or JSON body are short, and a Hyperscan stream costs two native calls
 * per field (scan, then reset) per group, plus one per piece. So for field targets (`args`,
 * `args_names`) a value is first gathered into a small reusable buffer; a value that ends
 * within SHORT_VALUE_BYTES is scanned once per group with the group's block-mode database
 * (compile.ts builds those for field targets too). Only a value that grows past the limit
 * switches to the group's stream: the gathered prefix is fed first, then the rest. Which path a
 * value takes depends on its length only, never on how it was chunked, and block and stream
 * databases of a group hold the same expressions, so the matches are the same either way (I2).
 *
 * Streams are opened on first use (many exchanges never need one) and reset between values
 * (hs_reset_stream reports end-of-data matches), so a value never shares match state with the
 * next one. Per-exchange memory is the stream states and transform carries of the groups once
 * a value streams, and a gather buffer while a short value is open: constant in the size of
 * the value, and next to nothing for an exchange whose values are all short (a short value is
 * transformed whole, with the process-wide chain of its group).
 */

import type { Stream } from "hyperscan-js";
import { GrowingBytes } from "../decode/growing-bytes.js";
import type { SignatureGroup } from "../signatures/compile.js";
import { FIELD_TARGETS } from "../signatures/compile.js";
import { knownClean, rememberClean } from "./clean-values.js";
import { type GroupIndex, groupsFor } from "./group-index.js";
import type { MatchCollector } from "./match-collector.js";
import { type Sink, sharedChain, TransformChain } from "./transform-chain.js";
import type { Target } from "./types.js";

/** Values up to this many bytes (as decoded, before transforms) are scanned in block mode. */
export const SHORT_VALUE_BYTES = 1024;

interface Lane {
  readonly group: SignatureGroup;
  readonly stream: Stream;
  /** The group's transforms for a value in pieces: carries bytes from one piece to the next. */
  readonly chain: TransformChain;
  /** Feeds transformed bytes into the stream. */
  readonly feed: Sink;
  /** Bytes fed since the stream was opened or reset (the offset base of the next piece). */
  fed: number;
}

function openLane(group: SignatureGroup, collector: MatchCollector): Lane {
  // The index lists a group under index.stream only when it has a stream database.
  if (group.stream === undefined)
    throw new Error("stream scanner: a group without a stream database");
  const lane: Lane = {
    group,
    stream: group.stream.openStream(),
    chain: new TransformChain(group.transforms),
    feed: (bytes) => {
      lane.stream.scan(bytes, collector.buffer);
      collector.inHand(bytes, lane.fed);
      lane.fed += bytes.length;
    },
    fed: 0,
  };
  return lane;
}

/**
 * Gather buffers of the process. A scanner holds one only while a short value is open, and an
 * exchange waiting for its next chunk rarely has one open, so held exchanges share a few.
 */
const spareGatherBuffers: Uint8Array[] = [];
const MAX_SPARE_GATHER_BUFFERS = 64;

/**
 * Transformed short values, shared by every scanner of the process: it is filled and scanned
 * within one synchronous `end` call, so no two values ever use it at once.
 */
const transformed = new GrowingBytes(4 * SHORT_VALUE_BYTES);

export class StreamScanner {
  /** The target's stream groups; their lanes are opened when a value first streams. */
  private readonly groups: readonly SignatureGroup[];
  private lanes: Lane[] | undefined;
  private closed = false;
  private field = "";
  private active = false;
  /** Gathering limit: SHORT_VALUE_BYTES for field targets, 0 (stream at once) otherwise. */
  private readonly gatherLimit: number;
  /** The current value went past the gathering limit and is fed to the streams. */
  private streaming: boolean;
  /** Taken from the spares while a short value is open, given back at its end. */
  private gathered: Uint8Array | undefined;
  private gatheredLength = 0;

  constructor(
    index: GroupIndex,
    private readonly target: Target,
    private readonly collector: MatchCollector,
  ) {
    this.groups = groupsFor(index.stream, target);
    const blockForAll = this.groups.every((group) => group.block !== undefined);
    this.gatherLimit = blockForAll && FIELD_TARGETS.has(target) ? SHORT_VALUE_BYTES : 0;
    this.streaming = this.gatherLimit === 0;
  }

  get empty(): boolean {
    return this.groups.length === 0;
  }

  start(field: string): void {
    if (this.active) this.end();
    this.field = field;
    this.active = true;
  }

  /** Starts a value unless one is already open (a raw body spans many chunks). */
  resume(field: string): void {
    if (!this.active) this.start(field);
  }

  data(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.groups.length === 0 || this.closed) return;
    if (this.streaming) {
      this.feedStreams(bytes);
      return;
    }
    const length = this.gatheredLength;
    if (length + bytes.length <= this.gatherLimit) {
      if (this.gathered === undefined || this.gathered.length < this.gatherLimit) this.unpark();
      if (this.gathered === undefined) return;
      this.gathered.set(bytes, length);
      this.gatheredLength = length + bytes.length;
      return;
    }
    // Past the limit: the value goes to the streams, gathered prefix first.
    this.streaming = true;
    this.gatheredLength = 0;
    if (length > 0 && this.gathered !== undefined) {
      this.feedStreams(this.gathered.subarray(0, length));
    }
    this.releaseGathered();
    this.feedStreams(bytes);
  }

  /** End of the value: report its matches and make ready for the next value. */
  end(): void {
    if (!this.active) return;
    this.active = false;
    if (this.streaming) {
      for (const lane of this.lanes ?? []) {
        lane.chain.flush(lane.feed);
        lane.stream.reset(this.collector.buffer);
        this.collector.drain(lane.group, this.target, this.field);
        lane.fed = 0;
      }
      this.streaming = this.gatherLimit === 0;
    } else if (this.gatheredLength > 0 && this.gathered !== undefined) {
      this.scanGathered(this.gathered.subarray(0, this.gatheredLength));
    }
    this.gatheredLength = 0;
    this.releaseGathered();
  }

  close(): void {
    this.closed = true;
    for (const lane of this.lanes ?? []) lane.stream.close();
    this.lanes = undefined;
    this.active = false;
    this.gatheredLength = 0;
    this.releaseGathered();
  }

  /**
   * Between two chunks: a short value still open keeps a copy of its bytes only, and its
   * gather buffer goes back to the spares (an exchange waiting for its next chunk then holds
   * tens of bytes instead of SHORT_VALUE_BYTES). The next `data` takes a buffer again.
   */
  park(): void {
    const gathered = this.gathered;
    if (gathered === undefined || gathered.length < this.gatherLimit) return;
    const kept = gathered.slice(0, this.gatheredLength);
    this.releaseGathered();
    this.gathered = kept;
  }

  /** Takes a whole gather buffer, holding what a parked value kept. */
  private unpark(): void {
    const kept = this.gathered;
    const buffer = spareGatherBuffers.pop() ?? new Uint8Array(this.gatherLimit);
    if (kept !== undefined) buffer.set(kept.subarray(0, this.gatheredLength));
    this.gathered = buffer;
  }

  private releaseGathered(): void {
    const gathered = this.gathered;
    if (gathered === undefined) return;
    this.gathered = undefined;
    // The collector may still point at these bytes (for an excerpt): it must forget them
    // before another exchange reuses the buffer.
    this.collector.inHand(NO_BYTES, 0);
    const spare = gathered.length === this.gatherLimit;
    if (spare && spareGatherBuffers.length < MAX_SPARE_GATHER_BUFFERS) {
      spareGatherBuffers.push(gathered);
    }
  }

  private feedStreams(bytes: Uint8Array): void {
    this.lanes ??= this.groups.map((group) => openLane(group, this.collector));
    for (const lane of this.lanes) {
      lane.chain.push(bytes, lane.feed);
      this.collector.drain(lane.group, this.target, this.field);
    }
  }

  /** One block-mode scan per group of a value that stayed short (none if known clean). */
  private scanGathered(value: Uint8Array): void {
    if (knownClean(this.groups, value)) return;
    let hits = 0;
    for (const group of this.groups) {
      const db = group.block;
      if (db === undefined) continue;
      if (group.transforms.length === 0) {
        hits += db.scan(value, this.collector.buffer);
        this.collector.inHand(value, 0);
      } else {
        transformed.clear();
        sharedChain(group).whole(value, transformed.append);
        // An empty result cannot match: Hyperscan refuses patterns that match empty input.
        if (transformed.length === 0) continue;
        const scanned = transformed.view();
        hits += db.scan(scanned, this.collector.buffer);
        this.collector.inHand(scanned, 0);
      }
      this.collector.drain(group, this.target, this.field);
    }
    if (hits === 0) rememberClean(this.groups, value);
  }
}

const NO_BYTES = new Uint8Array(0);
