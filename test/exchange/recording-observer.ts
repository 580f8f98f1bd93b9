/**
 * An ExchangeObserver that records every call, for assertions on what the protocol layer
 * reports. `whenClosed(n)` resolves once n streams have closed, so network tests can wait for
 * the server side without sleeping.
 */
import type {
  ExchangeContext,
  ExchangeObserver,
  ExchangeReport,
  Phase,
  RedactionRecord,
  StreamErrorReason,
} from "../../src/exchange/observer.js";
import type { Direction } from "../../src/inspect/types.js";
import type { Decision } from "../../src/policy/decision.js";

export class RecordingObserver implements ExchangeObserver {
  opened = 0;
  closed = 0;
  readonly errors: StreamErrorReason[] = [];
  readonly phases: Phase[] = [];
  readonly bytes: Record<Direction, number> = { request: 0, response: 0 };
  readonly decisions: {
    direction: Direction;
    kind: Decision["kind"];
    requestId: string;
    context: ExchangeContext;
  }[] = [];
  readonly outcomes: ("allow" | "detect" | "block" | "error")[] = [];
  readonly reports: ExchangeReport[] = [];
  readonly redactions: { direction: Direction; redaction: RedactionRecord }[] = [];
  readonly errorContexts: (ExchangeContext | undefined)[] = [];
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
  streamError(reason: StreamErrorReason, context?: ExchangeContext): void {
    this.errors.push(reason);
    this.errorContexts.push(context);
  }
  messageProcessed(phase: Phase, seconds: number): void {
    if (!(seconds >= 0)) throw new Error(`negative processing time ${seconds}`);
    this.phases.push(phase);
  }
  bytesInspected(direction: Direction, bytes: number): void {
    this.bytes[direction] += bytes;
  }
  decided(direction: Direction, decision: Decision, context: ExchangeContext): void {
    this.decisions.push({ direction, kind: decision.kind, requestId: context.requestId, context });
  }
  redacted(direction: Direction, redaction: RedactionRecord): void {
    this.redactions.push({ direction, redaction });
  }
  exchangeCompleted(
    outcome: "allow" | "detect" | "block" | "error",
    report?: ExchangeReport,
  ): void {
    this.outcomes.push(outcome);
    if (report !== undefined) this.reports.push(report);
  }

  whenClosed(count: number): Promise<void> {
    if (this.closed >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}
