/**
 * The ExchangeObserver that the server calls on its hot path, over weir's metrics and the
 * security event log. Label children are resolved once (per phase, direction, outcome, reason,
 * and per signature id on first hit) so a message costs a map lookup and an increment, not a
 * label-object hash per call.
 */
import type { ExchangeObserver, Phase, StreamErrorReason } from "../exchange/observer.js";
import type { Direction, Match } from "../inspect/types.js";
import type { SecurityEventLog } from "../log/security-events.js";
import { findingReason } from "../log/security-events.js";
import type { Decision } from "../policy/decision.js";
import {
  DIRECTIONS,
  EXCHANGE_OUTCOMES,
  type ExchangeOutcome,
  PHASES,
  STREAM_ERROR_REASONS,
  signatureLabels,
  type WeirMetrics,
} from "./metrics.js";

interface Inc {
  inc(value?: number): void;
}
interface Observe {
  observe(value: number): void;
}

export class MetricsObserver implements ExchangeObserver {
  private readonly durationByPhase: ReadonlyMap<Phase, Observe>;
  private readonly bytesByDirection: ReadonlyMap<Direction, Inc>;
  private readonly exchangesByOutcome: ReadonlyMap<ExchangeOutcome, Inc>;
  private readonly errorsByReason: ReadonlyMap<StreamErrorReason, Inc>;
  /** `direction/decision/reason` → child; bounded (2 × 3 × 4). */
  private readonly decisionChildren = new Map<string, Inc>();
  /** Signature id → child; bounded by the signature set. */
  private readonly matchChildren = new Map<number, Inc>();
  /**
   * Matches already counted. A direction's later decisions repeat its earlier matches (the
   * policy reports all matches so far), and the same Match objects come back; a weak set
   * counts each once without holding any exchange alive.
   */
  private readonly counted = new WeakSet<Match>();

  constructor(
    private readonly metrics: WeirMetrics,
    private readonly events: SecurityEventLog | null = null,
  ) {
    this.durationByPhase = new Map(
      PHASES.map((phase) => [phase, metrics.messageDuration.labels({ phase })]),
    );
    this.bytesByDirection = new Map(
      DIRECTIONS.map((direction) => [direction, metrics.inspectedBytes.labels({ direction })]),
    );
    this.exchangesByOutcome = new Map(
      EXCHANGE_OUTCOMES.map((decision) => [decision, metrics.exchanges.labels({ decision })]),
    );
    this.errorsByReason = new Map(
      STREAM_ERROR_REASONS.map((reason) => [reason, metrics.streamErrors.labels({ reason })]),
    );
  }

  streamOpened(): void {
    this.metrics.activeStreams.inc();
  }

  streamClosed(): void {
    this.metrics.activeStreams.dec();
  }

  streamError(reason: StreamErrorReason): void {
    this.errorsByReason.get(reason)?.inc();
  }

  messageProcessed(phase: Phase, seconds: number): void {
    this.durationByPhase.get(phase)?.observe(seconds);
  }

  bytesInspected(direction: Direction, bytes: number): void {
    if (bytes > 0) this.bytesByDirection.get(direction)?.inc(bytes);
  }

  decided(direction: Direction, decision: Decision, requestId: string): void {
    this.decisionChild(direction, decision).inc();
    if (decision.kind === "allow") return;
    for (const match of decision.matches) {
      if (this.counted.has(match)) continue;
      this.counted.add(match);
      this.matchChild(match).inc();
    }
    this.events?.record(direction, decision, requestId);
  }

  exchangeCompleted(outcome: ExchangeOutcome): void {
    this.exchangesByOutcome.get(outcome)?.inc();
  }

  private decisionChild(direction: Direction, decision: Decision): Inc {
    const reason =
      decision.kind === "allow"
        ? "none"
        : decision.kind === "block"
          ? decision.reason
          : findingReason(decision.matches);
    const key = `${direction}/${decision.kind}/${reason}`;
    let child = this.decisionChildren.get(key);
    if (child === undefined) {
      child = this.metrics.decisions.labels({ direction, decision: decision.kind, reason });
      this.decisionChildren.set(key, child);
    }
    return child;
  }

  private matchChild(match: Match): Inc {
    let child = this.matchChildren.get(match.signatureId);
    if (child === undefined) {
      child = this.metrics.signatureMatches.labels(
        signatureLabels(match.signatureId, match.family),
      );
      this.matchChildren.set(match.signatureId, child);
    }
    return child;
  }
}
