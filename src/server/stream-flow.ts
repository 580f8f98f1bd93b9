/**
 * When one ext_proc stream reads, and in which order it handles what it read. Most messages are
 * answered synchronously; one whose answers are a pending promise (a body whose Content-Encoding
 * is being undone) holds the stream: reading pauses, and whatever still arrives (grpc-js may
 * have delivered it already, and the half-close can come at any time) waits in arrival order
 * until the promise settles. Reading also pauses while Envoy does not read our answers (a write
 * returned false) and resumes only when neither holds it. The queue stays short: pausing stops
 * new arrivals, so it holds at most what was already on its way.
 */

/** The part of a grpc-js call this needs. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

export class StreamFlow<T> {
  readonly #queue: T[] = [];
  #pending = false;
  #writeBlocked = false;

  constructor(private readonly call: Pausable) {}

  /** An item arrived: true to handle it now, false when it was queued behind a pending one. */
  admit(item: T): boolean {
    if (!this.#pending) return true;
    this.#queue.push(item);
    return false;
  }

  /** The item being handled answers later: hold the stream until `settled`. */
  hold(): void {
    this.#pending = true;
    this.call.pause();
  }

  /** The held item's answers are written; `next` now yields the queued items. */
  settled(): void {
    this.#pending = false;
  }

  /** The next queued item to handle, unless an item is pending again. */
  next(): T | undefined {
    return this.#pending ? undefined : this.#queue.shift();
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

  /** The stream ended: queued items are dropped. */
  clear(): void {
    this.#queue.length = 0;
  }
}
