/**
 * Short values that are known to match nothing, per list of signature groups. Most values an
 * exchange carries are short and repeat endlessly across requests: JSON keys (`id`, `title`),
 * literals (`true`, `null`), numbers, enum-like values, and header values such as Accept or
 * Accept-Language (in the bench's JSON requests 92% of the values scanned whole are at most 64
 * bytes long). Longer values are mostly text that does not repeat: not worth a lookup.
 *
 * A block-mode scan of a value depends on nothing but its bytes and the databases (transforms
 * are functions of the bytes, scratch holds nothing between scans), so a value whose scan
 * raised no hit in any group of a list raises none the next time: it can be skipped. Only values without any hit are remembered, so signatures, selectors, exclusions,
 * scores and excerpts see exactly the same matches as without the cache.
 *
 * Bounded (I1 for the process): values up to MAX_VALUE_BYTES, at most MAX_ENTRIES in all; when
 * full, it starts over. Keys are the group lists of an engine's index, so a reload's new engine
 * starts empty and the old one's entries go with it. Lookups hash the bytes (FNV-1a) and compare
 * them, so a collision never skips a value that was not seen.
 */
import type { SignatureGroup } from "../signatures/compile.js";

export const MAX_VALUE_BYTES = 64;
export const MAX_ENTRIES = 8192;

type Buckets = Map<number, Uint8Array[]>;

const byList = new WeakMap<readonly SignatureGroup[], Buckets>();
/** Lists that hold entries, to empty them all when the budget is spent. */
let lists: Buckets[] = [];
let entries = 0;

function hash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when `value` scanned with `groups` is known to raise no hit. */
export function knownClean(groups: readonly SignatureGroup[], value: Uint8Array): boolean {
  if (value.length > MAX_VALUE_BYTES) return false;
  const bucket = byList.get(groups)?.get(hash(value));
  if (bucket === undefined) return false;
  for (const seen of bucket) if (equal(seen, value)) return true;
  return false;
}

/** Remembers that `value` scanned with `groups` raised no hit (a copy is kept). */
export function rememberClean(groups: readonly SignatureGroup[], value: Uint8Array): void {
  if (value.length > MAX_VALUE_BYTES) return;
  if (entries >= MAX_ENTRIES) {
    for (const list of lists) list.clear();
    lists = [];
    entries = 0;
  }
  let buckets = byList.get(groups);
  if (buckets === undefined) {
    buckets = new Map();
    byList.set(groups, buckets);
  }
  if (buckets.size === 0) lists.push(buckets);
  const key = hash(value);
  const bucket = buckets.get(key);
  if (bucket === undefined) buckets.set(key, [value.slice()]);
  else if (!bucket.some((seen) => equal(seen, value))) bucket.push(value.slice());
  else return;
  entries++;
}
