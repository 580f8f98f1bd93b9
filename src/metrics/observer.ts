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
import type { BlockReason, Decision } from "../policy/decision.js";
import {
  DIRECTIONS,
  EXCHANGE_OUTCOMES,
  type ExchangeOutcome,
  PHASES,
  STREAM_ERROR_REASONS,
  signatureLabels,
  type WeirMetrics,
} from "./metrics.js";

interface DecisionLabels {
  readonly direction: Direction;
  readonly decision: Decision["kind"];
  readonly reason: BlockReason | "none";
}

const ALLOW_LABELS: DecisionLabels = { direction: "request", decision: "allow", reason: "none" };
const REASONS: readonly BlockReason[] = ["signature", "limits", "protocol"];

/** Every label set weir_decisions_total can take, created at zero so rate() works at once. */
const DECISION_LABELS: readonly DecisionLabels[] = [
  ALLOW_LABELS,
  ...DIRECTIONS.flatMap((direction) =>
    (["detect", "block"] as const).flatMap((decision) =>
      REASONS.map((reason) => ({ direction, decision, reason })),
    ),
  ),
];

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
  /** `direction/decision/reason` → child; bounded, all created at zero (see DECISION_LABELS). */
  private readonly decisionChildren = new Map<string, Inc>();
  private readonly allowChild: Inc;
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
    for (const labels of DECISION_LABELS) this.decisionLabels(labels).inc(0);
    this.allowChild = this.decisionLabels(ALLOW_LABELS);
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

  /**
   * The exchange does not report allow decisions (it calls `decided` only for findings), so
   * allow is counted here: once per exchange that completed without any finding, on the
   * request direction (whether Envoy also sent the response is not known here).
   */
  exchangeCompleted(outcome: ExchangeOutcome): void {
    this.exchangesByOutcome.get(outcome)?.inc();
    if (outcome === "allow") this.allowChild.inc();
  }

  private decisionChild(direction: Direction, decision: Decision): Inc {
    const reason =
      decision.kind === "allow"
        ? "none"
        : decision.kind === "block"
          ? decision.reason
          : findingReason(decision.matches);
    return this.decisionLabels({ direction, decision: decision.kind, reason });
  }

  private decisionLabels(labels: DecisionLabels): Inc {
    const key = `${labels.direction}/${labels.decision}/${labels.reason}`;
    let child = this.decisionChildren.get(key);
    if (child === undefined) {
      child = this.metrics.decisions.labels({ ...labels });
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
