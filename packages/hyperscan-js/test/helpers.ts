// Small helpers shared by the hyperscan-js tests.
import type { MatchBuffer } from "../src/index.js";

export interface FoundMatch {
  readonly id: number;
  readonly from: number;
  readonly to: number;
}

const utf8 = new TextEncoder();

export function bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

/** The buffer's matches [0, count) as plain objects, in report order. */
export function matchesOf(buffer: MatchBuffer): FoundMatch[] {
  const found: FoundMatch[] = [];
  for (let i = 0; i < buffer.count; i++) {
    found.push({ id: buffer.ids[i] ?? -1, from: buffer.from[i] ?? -1, to: buffer.to[i] ?? -1 });
  }
  return found;
}

/** Matches sorted by (to, id, from), for comparing runs whose report order may differ. */
export function sorted(found: readonly FoundMatch[]): FoundMatch[] {
  return [...found].sort((a, b) => a.to - b.to || a.id - b.id || a.from - b.from);
}
