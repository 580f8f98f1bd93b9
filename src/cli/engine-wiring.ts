/**
 * The one place where the CLI meets the signature loader, the engine compiler, the ext_proc
 * server and the proxy. Those modules load the native Hyperscan addon, so they are imported
 * lazily: `weir --help`, `weir proxy` and argument errors never load it. If one of those
 * modules changes shape, this file is the only CLI file to adapt.
 */
import type { ServerCredentials } from "@grpc/grpc-js";
import { formatListen, type Listen } from "../config/listen.js";
import type { EventOptions } from "../exchange/exchange-context.js";
import type { ExchangeObserver } from "../exchange/observer.js";
import type { MessageBudget } from "../inspect/budget.js";
import type { InspectionLimits } from "../inspect/limits.js";
import type { InspectionEngine } from "../inspect/types.js";
import { type Logger, toLogFields } from "../log/logger.js";
import type { SignatureCounts } from "../metrics/metrics.js";
import type { RedactionOptions } from "../redact/options.js";
import type { LimitsObserver } from "../server/limits-observer.js";
import type { Runtime } from "../server/runtime.js";
import {
  failedSignatureCount,
  type LoadReport,
  unusableSetReason,
} from "../signatures/load-report.js";
import type { SampleRunResult } from "../signatures/sample-test.js";
import type { Signature } from "../signatures/types.js";

/** A signature that did not load or compile, as logged (id is a file path for a bad file). */
export interface SignatureProblem {
  readonly state: "skipped" | "failed";
  readonly id: string;
  readonly reason: string;
}

export interface LoadedSignatureSet {
  readonly signatures: readonly Signature[];
  readonly report: LoadReport;
  readonly counts: SignatureCounts;
  readonly problems: readonly SignatureProblem[];
  /**
   * Why the set must not be used (a whole file failed, or nothing loaded), else undefined;
   * serve refuses to start and scan exits 4 on it. One bad signature does not set it.
   */
  readonly unusable: string | undefined;
}

/** Loads a directory; signatures above `paranoia` are skipped (all are loaded when omitted). */
export async function loadSignatureSet(
  dir: string,
  paranoia?: number,
): Promise<LoadedSignatureSet> {
  const { loadSignatures } = await import("../signatures/load.js");
  const { signatures, report } = await loadSignatures(
    dir,
    paranoia === undefined ? {} : { paranoia },
  );
  return {
    signatures,
    report,
    counts: {
      loaded: report.loaded.length,
      skipped: report.skipped.length,
      failed: failedSignatureCount(report),
    },
    unusable: unusableSetReason(report),
    problems: [
      ...report.skipped.map((s) => ({
        state: "skipped" as const,
        id: String(s.id),
        reason: s.reason,
      })),
      ...report.failed.map((f) => ({
        state: "failed" as const,
        id: String(f.id),
        reason: f.error,
      })),
    ],
  };
}

export interface CompiledSignatureSet {
  readonly engine: InspectionEngine;
  /** Counts after compilation: signatures Hyperscan refused move from loaded to failed. */
  readonly counts: SignatureCounts;
  /** Signatures Hyperscan refused, with its reason. */
  readonly problems: readonly SignatureProblem[];
}

export async function compileSignatureSet(
  set: LoadedSignatureSet,
  paranoia: number,
  cacheDir?: string | undefined,
  onCacheError: (what: string, error: unknown) => void = () => {},
  engineOptions: { readonly limits?: InspectionLimits; readonly redaction?: RedactionOptions } = {},
): Promise<CompiledSignatureSet> {
  const { compileEngine } = await import("../inspect/engine.js");
  const { directoryCache } = await import("../signatures/database-cache.js");
  const cache = cacheDir === undefined ? undefined : directoryCache(cacheDir, onCacheError);
  const engine = compileEngine(set.signatures, {
    paranoia,
    hash: set.report.hash,
    cache,
    ...(engineOptions.limits === undefined ? {} : { limits: engineOptions.limits }),
    ...(engineOptions.redaction === undefined ? {} : { redaction: engineOptions.redaction }),
  });
  const problems = engine.compiled.failures.map((f) => ({
    state: "failed" as const,
    id: String(f.id),
    reason: f.error,
  }));
  return {
    engine,
    counts: {
      loaded: engine.info.signatures,
      skipped: set.counts.skipped,
      failed: set.counts.failed + problems.length,
    },
    problems,
  };
}

export async function runSignatureSamples(set: LoadedSignatureSet): Promise<SampleRunResult> {
  const { runSamples } = await import("../signatures/sample-test.js");
  return await runSamples(set.signatures);
}

export interface RunningExtProcServer {
  readonly port: number;
  setServing(serving: boolean): void;
  /** Refuses new streams and resolves once open ones finished (cut after the drain timeout). */
  drain(): Promise<void>;
  forceClose(): void;
}

export interface ExtProcStartOptions {
  readonly listen: Listen;
  /** The current engine and route policies, read once per stream (a reload swaps it). */
  readonly runtime: () => Runtime;
  readonly observer: ExchangeObserver;
  readonly maxReceiveMessageBytes: number;
  readonly drainTimeoutSeconds: number;
  readonly log: Logger;
  /** Security-event options from the configuration (default: no excerpts, 0 trusted hops). */
  readonly events?: EventOptions;
  /** TLS (or mTLS) for the gRPC listener; default plain-text HTTP/2. */
  readonly credentials?: ServerCredentials;
  /** The per-message time budget (default inspect/budget.ts DEFAULT_MESSAGE_BUDGET). */
  readonly timing?: MessageBudget;
  /** Counters for the budget, in-flight bytes and tolerated anomalies. */
  readonly limits?: LimitsObserver;
  /** Ceiling on body bytes in flight across streams; 0 or absent = none. */
  readonly maxInflightBodyBytes?: number;
}

export async function startExtProc(options: ExtProcStartOptions): Promise<RunningExtProcServer> {
  const { startExtProcServer } = await import("../server/index.js");
  const log = options.log.child({ component: "server" });
  await quietGrpcLogger(log);
  const listen = formatListen(options.listen);
  try {
    return await startExtProcServer({
      listen,
      runtime: options.runtime,
      ...(options.timing === undefined ? {} : { timing: options.timing }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      ...(options.maxInflightBodyBytes === undefined
        ? {}
        : { maxInflightBodyBytes: options.maxInflightBodyBytes }),
      observer: options.observer,
      maxReceiveMessageBytes: options.maxReceiveMessageBytes,
      drainTimeoutMs: Math.round(options.drainTimeoutSeconds * 1000),
      ...(options.events === undefined ? {} : { events: options.events }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      log: (level, event, fields) => log[level](event, toLogFields(fields)),
    });
  } catch (error: unknown) {
    const cause = listenCause(error);
    if (cause === undefined) throw error;
    throw new Error(`cannot listen on ${listen}: ${cause}`);
  }
}

/**
 * grpc-js prints its own lines on stderr ("E No address added out of total 1 resolved") that
 * repeat what weir reports itself; they go to weir's logger at debug level instead.
 */
async function quietGrpcLogger(log: Logger): Promise<void> {
  const grpc = await import("@grpc/grpc-js");
  const line = (...args: unknown[]) => log.debug("grpc-js", { message: args.join(" ") });
  grpc.setLogger({ error: line, info: line, debug: line });
  grpc.setLogVerbosity(grpc.logVerbosity.ERROR);
}

/** `address already in use (EADDRINUSE)` from grpc-js's "No address added ... [listen E...]". */
export function listenCause(error: unknown): string | undefined {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : "";
  const found = /\b(E[A-Z]{3,}): ([^\]:]+?)(?: \S+:\d+)?\]/.exec(text);
  if (found === undefined || found === null) return undefined;
  return `${found[2]} (${found[1]})`;
}

export interface RunningProxy {
  readonly port: number;
  close(): Promise<void>;
}

export async function startWeirProxy(options: {
  readonly listen: Listen;
  readonly upstream: URL;
  readonly weir: Listen;
  readonly log: Logger;
}): Promise<RunningProxy> {
  const { startProxy } = await import("../proxy/index.js");
  return await startProxy({
    listen: formatListen(options.listen),
    upstream: options.upstream.origin,
    weir: formatListen(options.weir),
    warn: (event, fields) => options.log.warn(event, fields),
  });
}
