/**
 * Scans values that are whole when weir sees them (path, query fields, headers, cookies) with
 * block-mode databases: one pass per group of the value's target. Values that a group must
 * transform first are transformed whole into a buffer; values are small (header-sized).
 *
 * The transform chains and that buffer are shared by every scanner of the process: a value is
 * transformed and scanned within one synchronous `scan`, so nothing is held between calls and
 * an open exchange costs no transform state here (issue 5: memory per stream). A short value
 * already seen to match nothing is not scanned again (clean-values.ts).
 */
import { GrowingBytes } from "../decode/growing-bytes.js";
import { knownClean, rememberClean } from "./clean-values.js";
import { type GroupIndex, groupsFor } from "./group-index.js";
import type { MatchCollector } from "./match-collector.js";
import { sharedChain } from "./transform-chain.js";
import type { Target } from "./types.js";

/** Transformed values of the process (grown on demand, never shrunk: values are header-sized). */
const scratch = new GrowingBytes(1024);

export class BlockScanner {
  constructor(
    private readonly index: GroupIndex,
    private readonly collector: MatchCollector,
  ) {}

  scan(target: Target, field: string, value: Uint8Array): void {
    const groups = groupsFor(this.index.block, target);
    if (groups.length === 0 || knownClean(groups, value)) return;
    let hits = 0;
    for (const group of groups) {
      const db = group.block;
      if (db === undefined) continue;
      if (group.transforms.length === 0) {
        hits += db.scan(value, this.collector.buffer);
        this.collector.inHand(value, 0);
      } else {
        scratch.clear();
        sharedChain(group).whole(value, scratch.append);
        const scanned = scratch.view();
        hits += db.scan(scanned, this.collector.buffer);
        this.collector.inHand(scanned, 0);
      }
      this.collector.drain(group, target, field);
    }
    if (hits === 0) rememberClean(groups, value);
  }
}
