/**
 * Shared by the robustness tests (issue 3 item 7): a server whose observer feeds weir's real
 * metrics (so the `weir_active_streams` gauge itself is checked) and records every call, the
 * in-flight and anomaly counters, and memory figures taken after a forced garbage collection,
 * printed for the closing note.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type {
  ExchangeContext,
  ExchangeObserver,
  ExchangeReport,
  Phase,
  RedactionRecord,
  StreamErrorReason,
} from "../../src/exchange/observer.js";
import { type CompiledEngine, compileEngine } from "../../src/inspect/engine.js";
import type { Direction } from "../../src/inspect/types.js";
import { createMetrics, type WeirMetrics } from "../../src/metrics/metrics.js";
import { MetricsObserver } from "../../src/metrics/observer.js";
import type { Decision } from "../../src/policy/decision.js";
import { type LimitsObserver, limitsMetrics } from "../../src/server/limits-observer.js";
import { directoryCache } from "../../src/signatures/database-cache.js";
import { loadSignatures } from "../../src/signatures/load.js";
import { Harness } from "./grpc-harness.js";

/**
 * An observer that drives weir's real metrics (so the `weir_active_streams` gauge itself is
 * checked) and keeps only counts and bounded lists, never per-exchange records, so that memory
 * measured around thousands of streams is weir's, not the test's.
 */
export class MeteredObserver implements ExchangeObserver, LimitsObserver {
  readonly metrics: WeirMetrics = createMetrics({ defaultMetrics: false });
  readonly #metered = new MetricsObserver(this.metrics);
  readonly #limits = limitsMetrics(this.metrics);
  opened = 0;
  closed = 0;
  /** Stream error reasons, in order (bounded by the error cases a test provokes). */
  readonly errors: StreamErrorReason[] = [];
  readonly outcomes = new Map<string, number>();
  readonly anomalies: string[] = [];
  readonly overruns: string[] = [];
  inflightPeak = 0;
  #waiters: { count: number; resolve: () => void }[] = [];

  streamOpened(): void {
    this.opened++;
    this.#metered.streamOpened();
  }
  streamClosed(): void {
    this.closed++;
    this.#metered.streamClosed();
    this.#waiters = this.#waiters.filter((w) => {
      if (this.closed < w.count) return true;
      w.resolve();
      return false;
    });
  }
  streamError(reason: StreamErrorReason, context?: ExchangeContext): void {
    if (this.errors.length < 1000) this.errors.push(reason);
    this.#metered.streamError(reason, context);
  }
  messageProcessed(phase: Phase, seconds: number): void {
    this.#metered.messageProcessed(phase, seconds);
  }
  bytesInspected(direction: Direction, bytes: number): void {
    this.#metered.bytesInspected(direction, bytes);
  }
  decided(direction: Direction, decision: Decision, context: ExchangeContext): void {
    this.#metered.decided(direction, decision, context);
  }
  redacted(direction: Direction, redaction: RedactionRecord, context: ExchangeContext): void {
    this.#metered.redacted(direction, redaction, context);
  }
  exchangeCompleted(
    outcome: "allow" | "detect" | "block" | "error",
    report?: ExchangeReport,
  ): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    this.#metered.exchangeCompleted(outcome, report);
  }
  budgetExceeded(direction: Direction, policy: "open" | "closed"): void {
    this.overruns.push(`${direction}/${policy}`);
    this.#limits.budgetExceeded(direction, policy);
  }
  messageTimeoutExtended(direction: Direction): void {
    this.#limits.messageTimeoutExtended(direction);
  }
  protocolAnomaly(kind: "body_after_eos", direction: Direction): void {
    if (this.anomalies.length < 1000) this.anomalies.push(`${kind}/${direction}`);
    this.#limits.protocolAnomaly(kind, direction);
  }
  inflightBodyBytes(bytes: number): void {
    this.inflightPeak = Math.max(this.inflightPeak, bytes);
    this.#limits.inflightBodyBytes(bytes);
  }

  /** Resolves once `count` streams have closed. */
  whenClosed(count: number): Promise<void> {
    if (this.closed >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** The `weir_active_streams` gauge as Prometheus would scrape it. */
  async activeStreams(): Promise<number> {
    return (await this.metrics.activeStreams.get()).values[0]?.value ?? 0;
  }

  /** `weir_stream_errors_total` by reason, non-zero ones only. */
  async streamErrorsByReason(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const v of (await this.metrics.streamErrors.get()).values) {
      const reason = String(v.labels.reason);
      if (v.value > 0) out[reason] = v.value;
    }
    return out;
  }
}

let collect: (() => void) | undefined;

/** Forces a full garbage collection (exposes V8's gc once; tests run without --expose-gc). */
export function forceGc(): void {
  if (collect === undefined) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
  collect();
}

export interface MemoryFigures {
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  /** Memory outside the JS heap that V8 tracks: Buffers and other ArrayBuffers. */
  readonly externalMiB: number;
}

/** Heap and external memory together: what a leak of exchanges would grow (RSS lags). */
export function retainedMiB(m: MemoryFigures): number {
  return m.heapUsedMiB + m.externalMiB;
}

/** Memory after a forced collection, in MiB with one decimal. */
export function memory(): MemoryFigures {
  forceGc();
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return {
    rssMiB: mib(m.rss),
    heapUsedMiB: mib(m.heapUsed),
    externalMiB: mib(m.external),
  };
}

/** One line for the test output: what ran, memory before and after, errors by reason. */
export function report(
  what: string,
  before: MemoryFigures,
  after: MemoryFigures,
  extra: Record<string, unknown> = {},
): void {
  console.log(
    `[item-7] ${what}: rss ${before.rssMiB} -> ${after.rssMiB} MiB, heap ${before.heapUsedMiB} -> ${after.heapUsedMiB} MiB, external ${before.externalMiB} -> ${after.externalMiB} MiB ${JSON.stringify(extra)}`,
  );
}

/** The built-in signatures compiled once per test file (databases cached in the OS temp dir). */
export async function builtInEngine(): Promise<CompiledEngine> {
  const { signatures, report: loaded } = await loadSignatures(
    fileURLToPath(new URL("../../signatures/", import.meta.url)),
  );
  if (loaded.failed.length > 0) throw new Error("built-in signatures failed to load");
  return compileEngine(signatures, {
    paranoia: 1,
    cache: directoryCache(join(tmpdir(), "weir-robustness-databases"), () => {}),
  });
}

/**
 * Growth of the JS heap plus external (Buffer) memory allowed after a run of thousands of
 * streams, with collection forced: an exchange that kept its inspector, its decoders or its
 * body would grow it by far more. RSS is printed but not bounded: the allocator keeps pages
 * after a peak.
 */
export const GROWTH_BOUND_MIB = 32;

/** A server on `engine` whose observer also counts limits, as the robustness files use it. */
export async function startMetered(
  engine: CompiledEngine,
): Promise<{ h: Harness; o: MeteredObserver }> {
  const o = new MeteredObserver();
  const h = await Harness.start({ engine: () => engine, server: { observer: o, limits: o } });
  return { h, o };
}
