/**
 * What one direction's inspector found so far: every match (the policy scores all of them, only
 * fresh ones can change a decision), the latest anomaly score, and how many body bytes were
 * already reported to the observer, so byte counters grow by deltas. A body or trailers call
 * may return a promise (an inflate stage is active); it is passed through, and the common
 * synchronous result costs no promise.
 */
import {
  type Direction,
  type DirectionInspector,
  type HeaderEntry,
  type Inspected,
  isPending,
  type Match,
} from "../inspect/types.js";
import type { ExchangeObserver } from "./observer.js";

export class DirectionFindings {
  readonly matches: Match[] = [];
  /** The direction's anomaly score as of its last non-allow decision. */
  score = 0;
  #reportedBytes = 0;

  constructor(
    readonly direction: Direction,
    readonly inspector: DirectionInspector,
  ) {}

  inspectHeaders(entries: readonly HeaderEntry[], endOfStream: boolean): readonly Match[] {
    return this.#add(this.inspector.headers(entries, endOfStream));
  }

  inspectBody(chunk: Uint8Array, endOfStream: boolean, observer: ExchangeObserver): Inspected {
    const result = this.inspector.body(chunk, endOfStream);
    if (isPending(result)) return result.then((fresh) => this.#afterBody(fresh, observer));
    return this.#afterBody(result, observer);
  }

  inspectTrailers(entries: readonly HeaderEntry[]): Inspected {
    const result = this.inspector.trailers(entries);
    if (isPending(result)) return result.then((fresh) => this.#add(fresh));
    return this.#add(result);
  }

  /** Distinct signature ids in the order they first fired. */
  signatureIds(): number[] {
    return [...new Set(this.matches.map((m) => m.signatureId))];
  }

  #afterBody(fresh: readonly Match[], observer: ExchangeObserver): readonly Match[] {
    this.#add(fresh);
    const inspected = this.inspector.bytesInspected;
    if (inspected > this.#reportedBytes) {
      observer.bytesInspected(this.direction, inspected - this.#reportedBytes);
      this.#reportedBytes = inspected;
    }
    return fresh;
  }

  #add(fresh: readonly Match[]): readonly Match[] {
    for (const m of fresh) this.matches.push(m);
    return fresh;
  }
}
