/**
 * The server's public entry: one call that serves ext_proc and gRPC health on HOST:PORT, for the
 * CLI to wire to configuration, the engine holder, metrics and signals.
 */
import type { ServerCredentials } from "@grpc/grpc-js";
import type { BodyMode } from "../exchange/body-mode.js";
import type { EventOptions } from "../exchange/exchange-context.js";
import type { ExchangeObserver } from "../exchange/observer.js";
import { ExternalProcessor } from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { MessageBudget } from "../inspect/budget.js";
import type { InspectionEngine } from "../inspect/types.js";
import type { PolicyConfig } from "../policy/decide.js";
import { routePolicyOf, singlePolicySet } from "../policy/route-policy.js";
import { extProcHandler } from "./ext-proc-service.js";
import { startGrpcServer } from "./grpc-server.js";
import { InflightBodyBytes } from "./inflight-bytes.js";
import type { LimitsObserver } from "./limits-observer.js";
import type { Runtime } from "./runtime.js";
import { type ServerLog, stderrLog } from "./server-log.js";
import { serviceDefinition } from "./service-definition.js";

export interface ExtProcServerOptions {
  /** HOST:PORT, e.g. "0.0.0.0:50051" or "127.0.0.1:0" (a free port). Plain-text HTTP/2. */
  readonly listen: string;
  /** TLS (or mTLS) for the listener instead of plain-text HTTP/2. */
  readonly credentials?: ServerCredentials;
  /**
   * The current engine and route policies, read once per stream, so a hot reload can swap
   * them; `fixedRuntime` wraps one engine and one policy (tests, tools).
   */
  readonly runtime: () => Runtime;
  readonly observer: ExchangeObserver;
  /** Largest ProcessingRequest accepted (default 64 MiB; grpc-js alone would cap at 4 MiB). */
  readonly maxReceiveMessageBytes?: number;
  /** Body mode assumed when Envoy sends no protocol_config (Envoy < 1.34); default "streamed". */
  readonly defaultBodyMode?: BodyMode;
  /** Security-event options: masked excerpts, trusted x-forwarded-for hops (default off, 0). */
  readonly events?: EventOptions;
  /**
   * The per-message time budget (`timing.messageBudgetMs`, `timing.onBudgetExceeded`,
   * `timing.overrideMessageTimeoutMs`; inspect/budget.ts DEFAULT_MESSAGE_BUDGET is 150 ms,
   * closed). Undefined = no budget: large messages are still inspected in slices (yielding to
   * other streams) but never cut short.
   */
  readonly timing?: MessageBudget;
  /** Counters for the budget, the in-flight bytes and tolerated anomalies (limitsMetrics). */
  readonly limits?: LimitsObserver;
  /** Above this many body bytes in flight new streams get a 503 (overload.ts); 0 = no ceiling. */
  readonly maxInflightBodyBytes?: number;
  /** Acknowledge a body after end_of_stream instead of failing the stream (default true). */
  readonly acknowledgeBodyAfterEndOfStream?: boolean;
  /** How long streams in flight may take to finish after a drain starts (default 20 s). */
  readonly drainTimeoutMs?: number;
  /** NOT_SERVING is reported this long before new streams are refused (default 0). */
  readonly drainNoticeMs?: number;
  /** HTTP/2 per-stream receive window (default 1 MiB). */
  readonly streamWindowBytes?: number;
  /** HTTP/2 per-connection receive window (default 16 MiB). */
  readonly connectionWindowBytes?: number;
  readonly keepaliveTimeMs?: number;
  readonly keepaliveTimeoutMs?: number;
  /** Diagnostics (stream failures, drain); default JSON lines on stderr. */
  readonly log?: ServerLog;
}

export interface ExtProcServer {
  /** The bound port (the chosen one when listen asked for port 0). */
  readonly port: number;
  /** Graceful stop: NOT_SERVING, stop new streams, wait for streams in flight (bounded). */
  drain(): Promise<void>;
  /** Immediate stop: cancel every stream now. */
  forceClose(): void;
  /** gRPC health status for "" and the ext_proc service; ignored once stopping. */
  setServing(ok: boolean): void;
}

export const extProcServiceDefinition = serviceDefinition(ExternalProcessor);

export async function startExtProcServer(options: ExtProcServerOptions): Promise<ExtProcServer> {
  const log = options.log ?? stderrLog;
  const limits = options.limits;
  const inflight = new InflightBodyBytes(options.maxInflightBodyBytes ?? 0, (bytes) =>
    limits?.inflightBodyBytes(bytes),
  );
  const running = await startGrpcServer(
    {
      listen: options.listen,
      log,
      ...pick(options, [
        "credentials",
        "maxReceiveMessageBytes",
        "drainTimeoutMs",
        "drainNoticeMs",
        "streamWindowBytes",
        "connectionWindowBytes",
        "keepaliveTimeMs",
        "keepaliveTimeoutMs",
      ]),
    },
    (server, lifecycle) => {
      server.addService(extProcServiceDefinition, {
        process: extProcHandler({
          runtime: options.runtime,
          observer: options.observer,
          log,
          lifecycle,
          ...(options.defaultBodyMode === undefined
            ? {}
            : { defaultBodyMode: options.defaultBodyMode }),
          ...(options.events === undefined ? {} : { events: options.events }),
          ...pick(options, ["timing", "limits", "acknowledgeBodyAfterEndOfStream"]),
          inflight,
        }),
      });
    },
  );
  return {
    port: running.port,
    drain: running.drain,
    forceClose: running.forceClose,
    setServing: running.setServing,
  };
}

/**
 * A runtime with one engine (read per stream: a test may swap it) and one policy for every
 * route, for tests and tools that need no configuration file.
 */
export function fixedRuntime(engine: () => InspectionEngine, policy: PolicyConfig): () => Runtime {
  const policies = singlePolicySet(routePolicyOf(policy));
  return () => ({ engine: engine(), policies, generation: 0 });
}

/** Copy only the keys that are set (exactOptionalPropertyTypes forbids explicit undefined). */
function pick<T extends object, K extends keyof T>(
  source: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

export type { BodyMode } from "../exchange/body-mode.js";
export { BODY_MODES } from "../exchange/body-mode.js";
export type { EventOptions } from "../exchange/exchange-context.js";
export { drainOnSignals } from "./grpc-server.js";
export type { ServerLog } from "./server-log.js";
