/**
 * `weir serve`: load and compile the signatures, start the metrics listener and the ext_proc
 * gRPC server, report ready, and on SIGTERM or SIGINT stop being ready, drain open streams
 * (cutting them after --drain-timeout) and exit 0.
 */
import { formatListen } from "../config/listen.js";
import { BUILTIN_SIGNATURES_DIR, packageVersion } from "../config/package-paths.js";
import {
  policyOf,
  resolveServeConfig,
  SERVE_SETTINGS,
  type ServeConfig,
} from "../config/serve-config.js";
import type { Environment } from "../config/setting.js";
import { createLogger, type LineSink, type Logger } from "../log/logger.js";
import { createSecurityEventLog } from "../log/security-events.js";
import { createMetrics, recordSignatureSet } from "../metrics/metrics.js";
import { startMetricsServer } from "../metrics/metrics-server.js";
import { MetricsObserver } from "../metrics/observer.js";
import { parseArgs } from "./args.js";
import type { CommandSpec, Parsed } from "./command-spec.js";
import {
  compileSignatureSet,
  loadSignatureSet,
  type RunningExtProcServer,
  startExtProc,
} from "./engine-wiring.js";

/** What serve builds on; tests replace it to run serve without the native engine. */
export interface ServeWiring {
  readonly loadSignatureSet: typeof loadSignatureSet;
  readonly compileSignatureSet: typeof compileSignatureSet;
  readonly startExtProc: typeof startExtProc;
}

const ENGINE_WIRING: ServeWiring = { loadSignatureSet, compileSignatureSet, startExtProc };

export const SERVE_COMMAND: CommandSpec = {
  name: "serve",
  summary: "Run the ext_proc server that Envoy (or weir proxy) consults.",
  description: [
    "Loads the signatures, compiles them, then listens for ext_proc streams on --grpc-listen " +
      "and serves /metrics, /healthz and /readyz on --metrics-listen. /readyz answers 200 once " +
      "the signatures are compiled and gRPC is listening, and 503 again while draining after " +
      "SIGTERM. Logs and security events are JSON lines on standard output; security events " +
      "(one per block or detect decision) are written whatever the log level.",
  ],
  settings: SERVE_SETTINGS,
  switches: [],
  positionals: [],
  exitStatus: [
    "0  stopped by SIGTERM or SIGINT after draining",
    "1  could not start: a signature file failed whole, no signature loaded,",
    "   compile error, address in use (one bad signature is only skipped)",
    "2  bad flag or setting",
  ],
  examples: [
    "weir serve",
    "weir serve --mode detect --grpc-listen 127.0.0.1:50051",
    "WEIR_PARANOIA=2 weir serve --signatures ./my-signatures",
  ],
};

export function parseServeArgs(argv: readonly string[], env: Environment): Parsed<ServeConfig> {
  const args = parseArgs(SERVE_COMMAND, argv);
  if (args.help) return { help: true };
  return { help: false, config: resolveServeConfig(args.flags, env) };
}

/** What serve waits on to stop; the process in production, an emitter in tests. */
export interface SignalSource {
  once(signal: "SIGTERM" | "SIGINT", listener: () => void): unknown;
}

export interface ServeDeps {
  readonly signals: SignalSource;
  /** Where logs and security events go (stdout by default). */
  readonly sink?: LineSink;
  readonly wiring?: ServeWiring;
  /** Called once serve is ready, with the bound ports (tests use it to probe). */
  readonly onReady?: (ports: { readonly grpc: number; readonly metrics: number }) => void;
}

export async function runServe(config: ServeConfig, deps: ServeDeps): Promise<number> {
  const log = createLogger({ level: config.logLevel, ...(deps.sink ? { sink: deps.sink } : {}) });
  const metrics = createMetrics();
  let ready = false;
  const metricsServer = await startMetricsServer({
    listen: config.metricsListen,
    registry: metrics.registry,
    isReady: () => ready,
  });
  const wiring = deps.wiring ?? ENGINE_WIRING;
  let grpc: RunningExtProcServer | undefined;
  try {
    const set = await wiring.loadSignatureSet(config.signaturesDir, config.paranoia);
    if (set.unusable !== undefined) {
      // A whole file failing would silently drop a family: refuse rather than serve less.
      log.error("signature set unusable; refusing to start", {
        error: set.unusable,
        signatures: config.signaturesDir,
      });
      return 1;
    }
    const compiled = await wiring.compileSignatureSet(
      set,
      config.paranoia,
      config.cacheDir,
      (what, error) => log.warn(what, { error: String(error) }),
    );
    // A skip is a choice (paranoia level, exclusion): debug. A failure is a defect: warn.
    for (const p of [...set.problems, ...compiled.problems]) {
      const fields = { signature_id: p.id, reason: p.reason };
      if (p.state === "failed") log.warn("signature failed", fields);
      else log.debug("signature skipped", fields);
    }
    if (compiled.counts.loaded === 0) {
      log.error("no signature compiled; refusing to start", { signatures: config.signaturesDir });
      return 1;
    }
    const engine = compiled.engine;
    recordSignatureSet(metrics, compiled.counts, engine.info);
    grpc = await wiring.startExtProc({
      listen: config.grpcListen,
      engine: () => engine,
      policy: policyOf(config),
      observer: new MetricsObserver(metrics, createSecurityEventLog(deps.sink)),
      maxReceiveMessageBytes: config.maxReceiveMessageBytes,
      drainTimeoutSeconds: config.drainTimeoutSeconds,
      log,
    });
    grpc.setServing(true);
    ready = true;
    log.info("weir serving", {
      version: packageVersion(),
      grpc_listen: formatListen({ host: config.grpcListen.host, port: grpc.port }),
      metrics_listen: formatListen({ host: config.metricsListen.host, port: metricsServer.port }),
      mode: config.mode,
      threshold: config.threshold,
      paranoia: config.paranoia,
      signatures:
        config.signaturesDir === BUILTIN_SIGNATURES_DIR ? "built-in" : config.signaturesDir,
      signatures_loaded: compiled.counts.loaded,
      signatures_skipped: compiled.counts.skipped,
      signatures_failed: compiled.counts.failed,
      compile_seconds: Number(engine.info.compileSeconds.toFixed(3)),
      signature_set_hash: engine.info.hash,
    });
    deps.onReady?.({ grpc: grpc.port, metrics: metricsServer.port });
    const signal = await nextSignal(deps.signals);
    ready = false;
    log.info("draining", { signal, drain_timeout_seconds: config.drainTimeoutSeconds });
    await drain(grpc, deps.signals, log);
    log.info("weir stopped");
    return 0;
  } catch (error: unknown) {
    grpc?.forceClose();
    throw error;
  } finally {
    ready = false;
    await metricsServer.close();
  }
}

function nextSignal(signals: SignalSource): Promise<string> {
  return new Promise((resolve) => {
    signals.once("SIGTERM", () => resolve("SIGTERM"));
    signals.once("SIGINT", () => resolve("SIGINT"));
  });
}

/** Waits for the server's drain (bounded by --drain-timeout); a second signal cuts it short. */
async function drain(
  grpc: RunningExtProcServer,
  signals: SignalSource,
  log: Logger,
): Promise<void> {
  const cut = nextSignal(signals).then((signal) => `second ${signal}`);
  const outcome = await Promise.race([grpc.drain().then(() => null), cut]);
  if (outcome !== null) {
    log.warn("closing open streams", { why: outcome });
    grpc.forceClose();
  }
}
