// Why this exists: matches cross from C++ to JS without a JS call per match. A MatchBuffer is
// one ArrayBuffer that the native match callback writes into directly during a scan; `ids`,
// `from` and `to` are views onto it. Layout (shared with src/match-sink.h, keep in sync):
//
//   bytes [0, 16)               Float64 header: [0] count, [1] dropped
//   bytes [16, 16 + 8c)         Float64 from[c]
//   bytes [16 + 8c, 16 + 16c)   Float64 to[c]
//   bytes [16 + 16c, 16 + 20c)  Uint32  ids[c]

import { HyperscanError } from "./errors.js";

const HEADER_BYTES = 16;
const BYTES_PER_MATCH = 20;
const MAX_CAPACITY = 0xffffffff;

/** The ArrayBuffer behind a MatchBuffer; for Database and Stream only (not exported publicly). */
export let matchBufferMemory: (buffer: MatchBuffer) => ArrayBuffer;

export class MatchBuffer {
  readonly capacity: number;
  /** Expression ids, one per match; entries [0, count) are meaningful. */
  readonly ids: Uint32Array;
  /** Start offsets; meaningful only for expressions with somLeftmost, else 0. */
  readonly from: Float64Array;
  /** End offsets (stream-absolute in stream mode). */
  readonly to: Float64Array;
  readonly #memory: ArrayBuffer;
  readonly #header: Float64Array;

  constructor(capacity = 1024) {
    if (!Number.isInteger(capacity) || capacity < 0 || capacity > MAX_CAPACITY) {
      throw new HyperscanError(
        "HS_INVALID",
        `MatchBuffer: capacity must be an integer in [0, ${MAX_CAPACITY}], got ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.#memory = new ArrayBuffer(HEADER_BYTES + BYTES_PER_MATCH * capacity);
    this.#header = new Float64Array(this.#memory, 0, 2);
    this.from = new Float64Array(this.#memory, HEADER_BYTES, capacity);
    this.to = new Float64Array(this.#memory, HEADER_BYTES + 8 * capacity, capacity);
    this.ids = new Uint32Array(this.#memory, HEADER_BYTES + 16 * capacity, capacity);
  }

  /** Matches written, in [0, capacity]. Scans append from here. */
  get count(): number {
    return this.#header[0] ?? 0;
  }

  set count(value: number) {
    if (!Number.isInteger(value) || value < 0 || value > this.capacity) {
      throw new HyperscanError(
        "HS_INVALID",
        `MatchBuffer: count must be an integer in [0, ${this.capacity}], got ${value}`,
      );
    }
    this.#header[0] = value;
  }

  /** Matches that arrived while the buffer was full (the scan carried on). */
  get dropped(): number {
    return this.#header[1] ?? 0;
  }

  set dropped(value: number) {
    if (!Number.isInteger(value) || value < 0) {
      throw new HyperscanError(
        "HS_INVALID",
        `MatchBuffer: dropped must be a non-negative integer, got ${value}`,
      );
    }
    this.#header[1] = value;
  }

  /** count = dropped = 0. */
  clear(): void {
    this.#header[0] = 0;
    this.#header[1] = 0;
  }

  static {
    matchBufferMemory = (buffer) => buffer.#memory;
  }
}
