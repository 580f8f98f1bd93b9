/**
 * What one direction's inspector found so far: every match (the policy scores all of them, only
 * fresh ones can change a decision), the latest anomaly score, and how many body bytes were
 * already reported to the observer, so byte counters grow by deltas.
 */
import type { Direction, DirectionInspector, HeaderEntry, Match } from "../inspect/types.js";
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

  inspectBody(
    chunk: Uint8Array,
    endOfStream: boolean,
    observer: ExchangeObserver,
  ): readonly Match[] {
    const fresh = this.#add(this.inspector.body(chunk, endOfStream));
    const inspected = this.inspector.bytesInspected;
    if (inspected > this.#reportedBytes) {
      observer.bytesInspected(this.direction, inspected - this.#reportedBytes);
      this.#reportedBytes = inspected;
    }
    return fresh;
  }

  inspectTrailers(entries: readonly HeaderEntry[]): readonly Match[] {
    return this.#add(this.inspector.trailers(entries));
  }

  /** Distinct signature ids in the order they first fired. */
  signatureIds(): number[] {
    return [...new Set(this.matches.map((m) => m.signatureId))];
  }

  #add(fresh: readonly Match[]): readonly Match[] {
    for (const m of fresh) this.matches.push(m);
    return fresh;
  }
}
