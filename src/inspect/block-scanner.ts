/**
 * Scans values that are whole when weir sees them (path, query fields, headers, cookies) with
 * block-mode databases: one pass per group of the value's target. Values that a group must
 * transform first are gathered into a reusable buffer; values are small (header-sized).
 */
import type { SignatureGroup } from "../signatures/compile.js";
import { type GroupIndex, groupsFor } from "./group-index.js";
import type { MatchCollector } from "./match-collector.js";
import { TransformChain } from "./transform-chain.js";
import type { Target } from "./types.js";

export class BlockScanner {
  private readonly chains = new Map<SignatureGroup, TransformChain>();
  /** Gathers transformed values; allocated on first use (most groups have no transforms). */
  private scratch = new Uint8Array(0);
  private length = 0;
  private readonly append = (bytes: Uint8Array): void => {
    const needed = this.length + bytes.length;
    if (needed > this.scratch.length) {
      const grown = new Uint8Array(Math.max(needed, this.scratch.length * 2, 1024));
      grown.set(this.scratch.subarray(0, this.length));
      this.scratch = grown;
    }
    this.scratch.set(bytes, this.length);
    this.length = needed;
  };

  constructor(
    private readonly index: GroupIndex,
    private readonly collector: MatchCollector,
  ) {}

  scan(target: Target, field: string, value: Uint8Array): void {
    for (const group of groupsFor(this.index.block, target)) {
      const db = group.block;
      if (db === undefined) continue;
      if (group.transforms.length === 0) {
        db.scan(value, this.collector.buffer);
      } else {
        const chain = this.chainFor(group);
        this.length = 0;
        chain.push(value, this.append);
        chain.flush(this.append);
        db.scan(this.scratch.subarray(0, this.length), this.collector.buffer);
      }
      this.collector.drain(group, target, field);
    }
  }

  private chainFor(group: SignatureGroup): TransformChain {
    let chain = this.chains.get(group);
    if (chain === undefined) {
      chain = new TransformChain(group.transforms);
      this.chains.set(group, chain);
    }
    return chain;
  }
}
