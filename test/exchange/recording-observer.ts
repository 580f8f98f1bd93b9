/**
 * An ExchangeObserver that records every call, for assertions on what the protocol layer
 * reports. `whenClosed(n)` resolves once n streams have closed, so network tests can wait for
 * the server side without sleeping.
 */
import type { ExchangeObserver, Phase, StreamErrorReason } from "../../src/exchange/observer.js";
import type { Direction } from "../../src/inspect/types.js";
import type { Decision } from "../../src/policy/decision.js";

export class RecordingObserver implements ExchangeObserver {
  opened = 0;
  closed = 0;
  readonly errors: StreamErrorReason[] = [];
  readonly phases: Phase[] = [];
  readonly bytes: Record<Direction, number> = { request: 0, response: 0 };
  readonly decisions: { direction: Direction; kind: Decision["kind"]; requestId: string }[] = [];
  readonly outcomes: ("allow" | "detect" | "block" | "error")[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  streamOpened(): void {
    this.opened++;
  }
  streamClosed(): void {
    this.closed++;
    this.#waiters = this.#waiters.filter((w) => {
      if (this.closed < w.count) return true;
      w.resolve();
      return false;
    });
  }
  streamError(reason: StreamErrorReason): void {
    this.errors.push(reason);
  }
  messageProcessed(phase: Phase, seconds: number): void {
    if (!(seconds >= 0)) throw new Error(`negative processing time ${seconds}`);
    this.phases.push(phase);
  }
  bytesInspected(direction: Direction, bytes: number): void {
    this.bytes[direction] += bytes;
  }
  decided(direction: Direction, decision: Decision, requestId: string): void {
    this.decisions.push({ direction, kind: decision.kind, requestId });
  }
  exchangeCompleted(outcome: "allow" | "detect" | "block" | "error"): void {
    this.outcomes.push(outcome);
  }

  whenClosed(count: number): Promise<void> {
    if (this.closed >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}
