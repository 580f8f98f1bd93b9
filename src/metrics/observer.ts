/**
 * The ExchangeObserver that the server calls on its hot path, over weir's metrics and the
 * security event log. Label children are resolved once (per phase, direction, outcome, reason,
 * route, and per signature id and outcome on first hit) so a message costs a map lookup and an
 * increment, not a label-object hash per call.
 *
 * When things are counted:
 * - decisions (weir_decisions_total) as they are taken, allow once per exchange at its end;
 * - exchanges per route and outcome, the time weir added to the exchange, signature hits with
 *   their outcome (blocked, detected, excluded) and limits once, when the exchange ends, from
 *   its report: a hit's outcome is only known then (a direction may detect, then block).
 *
 * The route label comes from the route policy's name (configuration), never from traffic; as
 * a guard against a runaway configuration, routes past MAX_ROUTES share the label "other".
 */
import type {
  ExchangeContext,
  ExchangeObserver,
  ExchangeReport,
  HitOutcome,
  Phase,
  RedactionRecord,
  StreamErrorReason,
} from "../exchange/observer.js";
import type { Direction, Match } from "../inspect/types.js";
import type { SecurityEventLog } from "../log/security-events.js";
import { findingReason } from "../log/security-events.js";
import type { BlockReason, Decision } from "../policy/decision.js";
import {
  DEFAULT_ROUTE_LABEL,
  DIRECTIONS,
  EXCHANGE_OUTCOMES,
  type ExchangeOutcome,
  limitName,
  PHASES,
  STREAM_ERROR_REASONS,
  signatureLabels,
  type WeirMetrics,
  zeroRoute,
} from "./metrics.js";

/** Distinct route labels before further routes are counted as "other". */
export const MAX_ROUTES = 1000;
const OTHER_ROUTE = "other";

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

/** A route's label children. */
interface RouteChildren {
  readonly exchanges: ReadonlyMap<ExchangeOutcome, Inc>;
  readonly duration: Observe;
  readonly redactions: Inc;
}

export class MetricsObserver implements ExchangeObserver {
  private readonly durationByPhase: ReadonlyMap<Phase, Observe>;
  private readonly bytesByDirection: ReadonlyMap<Direction, Inc>;
  private readonly errorsByReason: ReadonlyMap<StreamErrorReason, Inc>;
  /** `direction/decision/reason` → child; bounded, all created at zero (see DECISION_LABELS). */
  private readonly decisionChildren = new Map<string, Inc>();
  private readonly allowChild: Inc;
  private readonly routes = new Map<string, RouteChildren>();
  /** `id/outcome` → child; bounded by the signature set. */
  private readonly hitChildren = new Map<string, Inc>();
  private readonly limitChildren = new Map<string, Inc>();
  /** Signature id → weir_redacted_matches_total child; bounded by the signature set. */
  private readonly redactedChildren = new Map<number, Inc>();

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
    this.errorsByReason = new Map(
      STREAM_ERROR_REASONS.map((reason) => [reason, metrics.streamErrors.labels({ reason })]),
    );
    for (const labels of DECISION_LABELS) this.decisionLabels(labels).inc(0);
    this.allowChild = this.decisionLabels(ALLOW_LABELS);
    this.route(DEFAULT_ROUTE_LABEL);
  }

  /**
   * The configured route names (at start and after each reload), so their series exist at
   * zero before their first exchange. Routes are otherwise added on first use.
   */
  declareRoutes(names: readonly string[]): void {
    for (const name of names) this.route(name);
  }

  streamOpened(): void {
    this.metrics.activeStreams.inc();
  }

  streamClosed(): void {
    this.metrics.activeStreams.dec();
  }

  streamError(reason: StreamErrorReason, context?: ExchangeContext): void {
    this.errorsByReason.get(reason)?.inc();
    this.events?.streamFailed(reason, context);
  }

  messageProcessed(phase: Phase, seconds: number): void {
    this.durationByPhase.get(phase)?.observe(seconds);
  }

  bytesInspected(direction: Direction, bytes: number): void {
    if (bytes > 0) this.bytesByDirection.get(direction)?.inc(bytes);
  }

  decided(direction: Direction, decision: Decision, context: ExchangeContext): void {
    this.decisionChild(direction, decision).inc();
    if (decision.kind === "allow") return;
    if (decision.kind === "block" && decision.streamReset === true) {
      this.metrics.responseResets.labels({ reason: decision.reason }).inc();
    }
    this.events?.decided(direction, decision, context);
  }

  redacted(direction: Direction, redaction: RedactionRecord, context: ExchangeContext): void {
    this.route(context.route).redactions.inc();
    for (const match of redaction.matches) this.redactedChild(match).inc();
    if (redaction.maskedBytes > 0) this.metrics.redactedBytes.inc(redaction.maskedBytes);
    this.events?.redacted(direction, redaction, context);
  }

  /**
   * The exchange does not report allow decisions (it calls `decided` only for findings), so
   * allow is counted here: once per exchange that completed without any finding, on the
   * request direction (whether Envoy also sent the response is not known here).
   */
  exchangeCompleted(outcome: ExchangeOutcome, report?: ExchangeReport): void {
    const route = this.route(report?.context.route ?? DEFAULT_ROUTE_LABEL);
    route.exchanges.get(outcome)?.inc();
    if (outcome === "allow") this.allowChild.inc();
    if (report === undefined) return;
    route.duration.observe(report.seconds);
    for (const hit of report.hits) {
      this.hitChild(hit.match, hit.outcome).inc();
      if (hit.match.family === "limits" && hit.outcome !== "excluded") {
        this.limitChild(hit.match).inc();
      }
    }
  }

  private route(name: string): RouteChildren {
    let children = this.routes.get(name);
    if (children !== undefined) return children;
    if (this.routes.size >= MAX_ROUTES && name !== OTHER_ROUTE) return this.route(OTHER_ROUTE);
    zeroRoute(this.metrics, name);
    children = {
      exchanges: new Map(
        EXCHANGE_OUTCOMES.map((decision) => [
          decision,
          this.metrics.exchanges.labels({ route: name, decision }),
        ]),
      ),
      duration: this.metrics.exchangeDuration.labels({ route: name }),
      redactions: this.metrics.redactions.labels({ route: name }),
    };
    this.routes.set(name, children);
    return children;
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

  private hitChild(match: Match, outcome: HitOutcome): Inc {
    const key = `${match.signatureId}/${outcome}`;
    let child = this.hitChildren.get(key);
    if (child === undefined) {
      child = this.metrics.signatureMatches.labels(
        signatureLabels(match.signatureId, match.family, outcome),
      );
      this.hitChildren.set(key, child);
    }
    return child;
  }

  private redactedChild(match: Match): Inc {
    let child = this.redactedChildren.get(match.signatureId);
    if (child === undefined) {
      child = this.metrics.redactedMatches.labels({
        signature_id: String(match.signatureId),
        family: match.family,
      });
      this.redactedChildren.set(match.signatureId, child);
    }
    return child;
  }

  private limitChild(match: Match): Inc {
    const limit = limitName(match.signatureId);
    let child = this.limitChildren.get(limit);
    if (child === undefined) {
      child = this.metrics.limits.labels({ limit });
      this.limitChildren.set(limit, child);
    }
    return child;
  }
}
