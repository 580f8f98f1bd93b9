/**
 * The chunkings every streaming vector is run with (invariant I2): the whole input, every cut
 * into two chunks (sampled for long inputs), one byte per chunk, and seeded random cuts into
 * 1-8 chunks that may include empty chunks.
 */
import { expect } from "vitest";
import { Prng, seedOf } from "./prng.js";

/** Inputs up to this length get every two-chunk cut and the one-byte-per-chunk run. */
const EXHAUSTIVE_BYTES = 4096;
const SAMPLED_CUTS = 48;
const RANDOM_SPLITS = 8;

export interface Chunking {
  readonly label: string;
  readonly chunks: readonly Uint8Array[];
}

export function* chunkings(input: Uint8Array, name: string): Generator<Chunking> {
  const n = input.length;
  const rng = new Prng(seedOf(name));
  if (n <= EXHAUSTIVE_BYTES) {
    for (let k = 1; k < n; k++) yield cutAt(input, [k]);
    if (n > 1) {
      const bytes: Uint8Array[] = [];
      for (let k = 0; k < n; k++) bytes.push(input.subarray(k, k + 1));
      yield { label: "one byte per chunk", chunks: bytes };
    }
  } else {
    for (let s = 0; s < SAMPLED_CUTS; s++) yield cutAt(input, [1 + rng.int(n - 1)]);
  }
  for (let s = 0; s < RANDOM_SPLITS; s++) {
    const count = 1 + rng.int(8);
    const cuts: number[] = [];
    for (let c = 1; c < count; c++) cuts.push(rng.int(n + 1));
    cuts.sort((a, b) => a - b);
    yield cutAt(input, cuts);
  }
}

function cutAt(input: Uint8Array, cuts: readonly number[]): Chunking {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(input.slice(start, cut));
    start = cut;
  }
  chunks.push(input.slice(start));
  return { label: `cut at ${cuts.join(",") || "nothing"}`, chunks };
}

/**
 * Runs `decode` on every chunking of `input` and expects what it gave for the whole input
 * (compared as JSON first, so the common case costs no deep equality).
 */
export function expectSameForEverySplit<T>(
  input: Uint8Array,
  name: string,
  whole: T,
  decode: (chunks: readonly Uint8Array[]) => T,
): void {
  const text = JSON.stringify(whole);
  for (const { label, chunks } of chunkings(input, name)) {
    const split = decode(chunks);
    if (JSON.stringify(split) !== text) {
      expect(split, `split-invariance broken (${label})`).toEqual(whole);
    }
  }
}
