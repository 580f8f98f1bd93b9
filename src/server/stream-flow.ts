/**
 * When one ext_proc stream reads, and in which order it handles what it read. Most messages are
 * answered synchronously; one whose answers are a pending promise (a body whose Content-Encoding
 * is being undone, or a large body inspected in slices under the time budget) holds the stream:
 * reading pauses, and whatever still arrives (grpc-js may have delivered it already, and the
 * half-close can come at any time) waits in arrival order until the promise settles. Reading
 * also pauses while Envoy does not read our answers (a write returned false) and resumes only
 * when neither holds it. The queue stays short: pausing stops new arrivals, so it holds at most
 * what was already on its way.
 *
 * The body bytes of the held message and of the queued ones are counted in the process-wide
 * in-flight total (inflight-bytes.ts) until they are answered, dropped or the stream ends.
 */
import type { InflightBodyBytes } from "./inflight-bytes.js";

/** The part of a grpc-js call this needs. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/** Where held and queued body bytes are counted, and how an item's bytes are measured. */
export interface InflightAccounting<T> {
  readonly inflight: InflightBodyBytes;
  readonly sizeOf: (item: T) => number;
}

export class StreamFlow<T> {
  readonly #queue: T[] = [];
  #pending = false;
  #writeBlocked = false;
  /** Bytes of the held item and of the queued items, as counted in the in-flight total. */
  #heldBytes = 0;
  #queuedBytes = 0;

  constructor(
    private readonly call: Pausable,
    private readonly accounting?: InflightAccounting<T>,
  ) {}

  /** An item arrived: true to handle it now, false when it was queued behind a pending one. */
  admit(item: T): boolean {
    if (!this.#pending) return true;
    this.#queue.push(item);
    this.#queuedBytes += this.#count(item);
    return false;
  }

  /** The item being handled (`item`) answers later: hold the stream until `settled`. */
  hold(item?: T): void {
    this.#pending = true;
    if (item !== undefined) this.#heldBytes += this.#count(item);
    this.call.pause();
  }

  /** The held item's answers are written; `next` now yields the queued items. */
  settled(): void {
    this.#pending = false;
    this.#release(this.#heldBytes);
    this.#heldBytes = 0;
  }

  /** The next queued item to handle, unless an item is pending again. */
  next(): T | undefined {
    if (this.#pending) return undefined;
    const item = this.#queue.shift();
    if (item !== undefined) {
      const bytes = this.#size(item);
      this.#queuedBytes -= bytes;
      this.#release(bytes);
    }
    return item;
  }

  /** A write returned false: stop reading until Envoy drains our answers. */
  writeBlocked(): void {
    this.#writeBlocked = true;
    this.call.pause();
  }

  drained(): void {
    this.#writeBlocked = false;
    this.resume();
  }

  /** Reads again unless an item is pending or writes are blocked. */
  resume(): void {
    if (!this.#pending && !this.#writeBlocked) this.call.resume();
  }

  /** The stream ended: queued items are dropped and nothing of this stream stays counted. */
  clear(): void {
    this.#queue.length = 0;
    this.#release(this.#heldBytes + this.#queuedBytes);
    this.#heldBytes = 0;
    this.#queuedBytes = 0;
  }

  #size(item: T): number {
    return this.accounting?.sizeOf(item) ?? 0;
  }

  #count(item: T): number {
    const bytes = this.#size(item);
    this.accounting?.inflight.add(bytes);
    return bytes;
  }

  #release(bytes: number): void {
    this.accounting?.inflight.remove(bytes);
  }
}
