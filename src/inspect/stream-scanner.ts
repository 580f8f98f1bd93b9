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
 * next one. Per-exchange memory is the gather buffer, the stream states and the transform
 * carries: constant in the size of the value.
 */
import type { Stream } from "hyperscan-js";
import type { SignatureGroup } from "../signatures/compile.js";
import { FIELD_TARGETS } from "../signatures/compile.js";
import { type GroupIndex, groupsFor } from "./group-index.js";
import type { MatchCollector } from "./match-collector.js";
import { type Sink, TransformChain } from "./transform-chain.js";
import type { Target } from "./types.js";

/** Values up to this many bytes (as decoded, before transforms) are scanned in block mode. */
export const SHORT_VALUE_BYTES = 1024;

interface Lane {
  readonly group: SignatureGroup;
  stream: Stream | undefined;
  readonly chain: TransformChain;
  /** Feeds transformed bytes into the stream. */
  readonly feed: Sink;
}

/**
 * Transformed short values, shared by every scanner of the process: it is filled and scanned
 * within one synchronous `end` call, so no two values ever use it at once.
 */
let transformed = new Uint8Array(4 * SHORT_VALUE_BYTES);
let transformedLength = 0;
const appendTransformed: Sink = (bytes) => {
  const needed = transformedLength + bytes.length;
  if (needed > transformed.length) {
    const grown = new Uint8Array(Math.max(needed, transformed.length * 2));
    grown.set(transformed.subarray(0, transformedLength));
    transformed = grown;
  }
  transformed.set(bytes, transformedLength);
  transformedLength = needed;
};

export class StreamScanner {
  private readonly lanes: Lane[] = [];
  private field = "";
  private active = false;
  /** Gathering limit: SHORT_VALUE_BYTES for field targets, 0 (stream at once) otherwise. */
  private readonly gatherLimit: number;
  /** The current value went past the gathering limit and is fed to the streams. */
  private streaming: boolean;
  private gathered: Uint8Array | undefined;
  private gatheredLength = 0;

  constructor(
    index: GroupIndex,
    private readonly target: Target,
    private readonly collector: MatchCollector,
  ) {
    let blockForAll = true;
    for (const group of groupsFor(index.stream, target)) {
      const db = group.stream;
      if (db === undefined) continue;
      if (group.block === undefined) blockForAll = false;
      const lane: Lane = {
        group,
        stream: undefined,
        chain: new TransformChain(group.transforms),
        feed: (bytes) => {
          lane.stream?.scan(bytes, collector.buffer);
        },
      };
      this.lanes.push(lane);
    }
    this.gatherLimit = blockForAll && FIELD_TARGETS.has(target) ? SHORT_VALUE_BYTES : 0;
    this.streaming = this.gatherLimit === 0;
  }

  get empty(): boolean {
    return this.lanes.length === 0;
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
    if (bytes.length === 0 || this.lanes.length === 0) return;
    if (this.streaming) {
      this.feedStreams(bytes);
      return;
    }
    const length = this.gatheredLength;
    if (length + bytes.length <= this.gatherLimit) {
      this.gathered ??= new Uint8Array(this.gatherLimit);
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
    this.feedStreams(bytes);
  }

  /** End of the value: report its matches and make ready for the next value. */
  end(): void {
    if (!this.active) return;
    this.active = false;
    if (this.streaming) {
      for (const lane of this.lanes) {
        if (lane.stream === undefined) continue;
        lane.chain.flush(lane.feed);
        lane.stream.reset(this.collector.buffer);
        this.collector.drain(lane.group, this.target, this.field);
      }
      this.streaming = this.gatherLimit === 0;
    } else if (this.gatheredLength > 0 && this.gathered !== undefined) {
      this.scanGathered(this.gathered.subarray(0, this.gatheredLength));
    }
    this.gatheredLength = 0;
  }

  close(): void {
    for (const lane of this.lanes) lane.stream?.close();
    this.lanes.length = 0;
    this.active = false;
  }

  private feedStreams(bytes: Uint8Array): void {
    for (const lane of this.lanes) {
      if (lane.stream === undefined) {
        const db = lane.group.stream;
        if (db === undefined) continue;
        lane.stream = db.openStream();
      }
      lane.chain.push(bytes, lane.feed);
      this.collector.drain(lane.group, this.target, this.field);
    }
  }

  /** One block-mode scan per group of a value that stayed short. */
  private scanGathered(value: Uint8Array): void {
    for (const lane of this.lanes) {
      const db = lane.group.block;
      if (db === undefined) continue;
      if (lane.chain.identity) {
        db.scan(value, this.collector.buffer);
      } else {
        transformedLength = 0;
        lane.chain.push(value, appendTransformed);
        lane.chain.flush(appendTransformed);
        // An empty result cannot match: Hyperscan refuses patterns that match empty input.
        if (transformedLength === 0) continue;
        db.scan(transformed.subarray(0, transformedLength), this.collector.buffer);
      }
      this.collector.drain(lane.group, this.target, this.field);
    }
  }
}
