// Why this exists: the facade over one native hs_stream_t. Matches are appended to a
// MatchBuffer; offsets are stream-absolute. A Stream keeps its database's native memory alive
// (shared with the native Database), so it stays usable after Database.close(). A Stream that is
// garbage-collected without close() is freed by the native finalizer (no end-of-data matches).

import { fromNative } from "./errors.js";
import { type MatchBuffer, matchBufferMemory } from "./match-buffer.js";
import type { NativeStream } from "./native.js";

/** Creates a Stream around a native one; for Database.openStream only. */
export let wrapNativeStream: (native: NativeStream) => Stream;

export class Stream {
  readonly #native: NativeStream;
  #open = true;

  private constructor(native: NativeStream) {
    this.#native = native;
  }

  /** Scans `chunk` in place and appends matches to `into`; returns the number appended. */
  scan(chunk: Uint8Array, into: MatchBuffer): number {
    try {
      return this.#native.scan(chunk, matchBufferMemory(into));
    } catch (error: unknown) {
      throw fromNative(error, "Stream.scan");
    }
  }

  /**
   * hs_close_stream: reports end-of-data matches (e.g. for `$`) into `into` when given, then
   * frees the stream. Idempotent: later calls return 0.
   */
  close(into?: MatchBuffer): number {
    if (!this.#open) return 0;
    const memory = into === undefined ? undefined : matchBufferMemory(into);
    this.#open = false;
    try {
      return this.#native.close(memory);
    } catch (error: unknown) {
      throw fromNative(error, "Stream.close");
    }
  }

  /**
   * hs_reset_stream: reports end-of-data matches into `into` when given and makes the stream
   * reusable; offsets restart at 0.
   */
  reset(into?: MatchBuffer): number {
    try {
      return this.#native.reset(into === undefined ? undefined : matchBufferMemory(into));
    } catch (error: unknown) {
      throw fromNative(error, "Stream.reset");
    }
  }

  get isOpen(): boolean {
    return this.#open;
  }

  static {
    wrapNativeStream = (native) => new Stream(native);
  }
}
