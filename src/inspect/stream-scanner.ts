/**
 * Scans one value that arrives in pieces (a body field, a raw body) with stream-mode
 * databases, so a pattern cut by a chunk boundary is still found. One Hyperscan stream per
 * group is opened on first use and reset between values (hs_reset_stream reports end-of-data
 * matches), so a field never shares match state with the next one and nothing is reopened per
 * field. Per-exchange memory is the stream states plus the transform carries: constant in the
 * size of the value.
 */
import type { Stream } from "hyperscan-js";
import type { SignatureGroup } from "../signatures/compile.js";
import { type GroupIndex, groupsFor } from "./group-index.js";
import type { MatchCollector } from "./match-collector.js";
import { type Sink, TransformChain } from "./transform-chain.js";
import type { Target } from "./types.js";

interface Lane {
  readonly group: SignatureGroup;
  readonly stream: Stream;
  readonly chain: TransformChain;
  /** Feeds transformed bytes into the stream. */
  readonly feed: Sink;
}

export class StreamScanner {
  private readonly lanes: Lane[] = [];
  private field = "";
  private active = false;

  constructor(
    index: GroupIndex,
    private readonly target: Target,
    private readonly collector: MatchCollector,
  ) {
    for (const group of groupsFor(index.stream, target)) {
      const db = group.stream;
      if (db === undefined) continue;
      const stream = db.openStream();
      const feed: Sink = (bytes) => {
        stream.scan(bytes, collector.buffer);
      };
      this.lanes.push({ group, stream, chain: new TransformChain(group.transforms), feed });
    }
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
    if (bytes.length === 0) return;
    for (const lane of this.lanes) {
      lane.chain.push(bytes, lane.feed);
      this.collector.drain(lane.group, this.target, this.field);
    }
  }

  /** End of the value: flush transforms, report end-of-data matches, reset for the next value. */
  end(): void {
    if (!this.active) return;
    this.active = false;
    for (const lane of this.lanes) {
      lane.chain.flush(lane.feed);
      lane.stream.reset(this.collector.buffer);
      this.collector.drain(lane.group, this.target, this.field);
    }
  }

  close(): void {
    for (const lane of this.lanes) lane.stream.close();
    this.lanes.length = 0;
    this.active = false;
  }
}
