/**
 * `weir serve`: load the configuration (flags, environment, the --config file), build the
 * runtime (signatures compiled, route policies), start the metrics listener and the ext_proc
 * gRPC server, report ready; reload on SIGHUP and when a configuration or signature file
 * changes (src/reload/); on SIGTERM or SIGINT stop being ready, drain open streams (cutting them
 * after --drain-timeout) and exit 0.
 */
import { clusterRole, runPrimary, startWorkerLink, workerSignals } from "../cluster/index.js";
import { formatProblem } from "../config/file/problems.js";
import { formatListen } from "../config/listen.js";
import { type ServeConfigSource, serveConfigSource } from "../config/load-serve-config.js";
import { packageVersion } from "../config/package-paths.js";
import { messageBudgetOf, resolveServeConfig, SERVE_SETTINGS } from "../config/serve-config.js";
import { type Environment, explicitSetting, type Setting } from "../config/setting.js";
import { createLogger, type LineSink, type Logger } from "../log/logger.js";
import { createSecurityEventLog } from "../log/security-events.js";
import { createMetrics, recordSignatureSet } from "../metrics/metrics.js";
import { startMetricsServer } from "../metrics/metrics-server.js";
import { MetricsObserver } from "../metrics/observer.js";
import { ReloadController } from "../reload/reload-controller.js";
import { type BuiltRuntime, buildRuntime } from "../reload/runtime-builder.js";
import type { RotatingServerCredentials } from "../reload/server-credentials.js";
import { warmDatabaseCache } from "../reload/warm-cache.js";
import { limitsMetrics } from "../server/limits-observer.js";
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
    "Loads the configuration and the signatures, compiles them, then listens for ext_proc " +
      "streams on --grpc-listen and serves /metrics, /healthz and /readyz on --metrics-listen. " +
      "/readyz answers 200 once the signatures are compiled and gRPC is listening, and 503 " +
      "again while draining after SIGTERM. Logs and security events are JSON lines on standard " +
      "output; security events (one per block or detect decision) are written whatever the " +
      "log level.",
    "Settings come from flags, then WEIR_* variables, then the --config file, then defaults. " +
      "SIGHUP, or a change to the configuration file or a signature file, reloads both without " +
      "a restart: streams in flight finish on what they started with, and a reload that fails " +
      "keeps the running configuration (weir_config_last_reload_successful turns 0).",
  ],
  settings: SERVE_SETTINGS,
  switches: [],
  positionals: [],
  exitStatus: [
    "0  stopped by SIGTERM or SIGINT after draining",
    "1  could not start: a bad configuration file, a signature file failed whole,",
    "   no signature loaded, compile error, a bad certificate, address in use",
    "   (one bad signature is only skipped)",
    "2  bad flag or setting",
  ],
  examples: [
    "weir serve",
    "weir serve --config /etc/weir/weir.yaml",
    "weir serve --mode detect --grpc-listen 127.0.0.1:50051",
    "WEIR_PARANOIA=2 weir serve --signatures ./my-signatures",
  ],
};

/** Checks every flag and variable now (exit 2); the file is read when serve starts. */
export function parseServeArgs(
  argv: readonly string[],
  env: Environment,
): Parsed<ServeConfigSource> {
  const args = parseArgs(SERVE_COMMAND, argv);
  if (args.help) return { help: true };
  for (const setting of SERVE_SETTINGS as readonly Setting<unknown>[]) {
    explicitSetting(setting, args.flags, env);
  }
  const source = serveConfigSource(args.flags, env);
  // Without a file, settings that must go together (a certificate and its key) are complete now.
  if (source.configFile === undefined) resolveServeConfig(args.flags, env);
  return { help: false, config: source };
}

/** What serve waits on: the process in production, an emitter in tests. */
export interface SignalSource {
  once(signal: "SIGTERM" | "SIGINT", listener: () => void): unknown;
  on(signal: "SIGHUP", listener: () => void): unknown;
  removeListener(signal: "SIGHUP", listener: () => void): unknown;
}

export interface ServeDeps {
  readonly signals: SignalSource;
  /** Where logs and security events go (stdout by default). */
  readonly sink?: LineSink;
  readonly wiring?: ServeWiring;
  /** Called once serve is ready, with the bound ports (tests use it to probe). */
  readonly onReady?: (ports: { readonly grpc: number; readonly metrics: number }) => void;
  /** Called with the reload controller once serving (tests use it to follow reloads). */
  readonly onReloader?: (reloader: ReloadController) => void;
  /** Debounce of the file watcher (default 300 ms). */
  readonly watchDebounceMs?: number;
}

export async function runServe(source: ServeConfigSource, given: ServeDeps): Promise<number> {
  const loaded = await source.load();
  if (!loaded.ok) {
    const log = createLogger(given.sink ? { sink: given.sink } : {});
    for (const problem of loaded.problems) {
      log.error("configuration invalid; refusing to start", { error: formatProblem(problem) });
    }
    return 1;
  }
  const config = loaded.config;
  // --workers N > 1: this process is the primary, or one of the workers it forked (src/cluster/).
  const role = clusterRole(config.workers, given.wiring !== undefined);
  if (role === "primary") return await runPrimary(config, given);
  const deps = role === "worker" ? { ...given, signals: workerSignals() } : given;
  const log = createLogger({ level: config.logLevel, ...(deps.sink ? { sink: deps.sink } : {}) });
  for (const key of loaded.overridden) {
    log.info("configuration file value overridden", { key });
  }
  const metrics = createMetrics();
  let ready = false;
  const metricsServer = await (role === "worker" ? startWorkerLink : startMetricsServer)({
    listen: config.metricsListen,
    registry: metrics.registry,
    isReady: () => ready,
  });
  const wiring = deps.wiring ?? ENGINE_WIRING;
  const buildDeps = {
    loadSignatureSet: wiring.loadSignatureSet,
    compileSignatureSet: wiring.compileSignatureSet,
    log,
  };
  let grpc: RunningExtProcServer | undefined;
  let reloader: ReloadController | undefined;
  const onHangUp = (): void => {
    void reloader?.request("SIGHUP");
  };
  try {
    const build = await buildRuntime(loaded, 0, buildDeps);
    if (!build.ok) {
      // A whole signature file failing would silently drop a family: refuse rather than serve less.
      for (const error of build.errors) log.error("cannot start; refusing to serve", { error });
      return 1;
    }
    const built = build.built;
    const engine = built.runtime.engine;
    recordSignatureSet(metrics, built.counts, engine.info);
    const credentials = await serverCredentials(built);
    const observer = new MetricsObserver(metrics, createSecurityEventLog(deps.sink));
    const declareRoutes = (b: BuiltRuntime) =>
      observer.declareRoutes(b.config.policies.routes.map((r) => r.policy.name));
    declareRoutes(built);
    reloader = new ReloadController({
      source,
      // Reloads load and compile in a worker thread (test doubles of the wiring cannot cross).
      deps: deps.wiring === undefined ? { ...buildDeps, warmCache: warmDatabaseCache } : buildDeps,
      initial: built,
      metrics,
      log,
      onReloaded: declareRoutes,
      ...(credentials === undefined ? {} : { rotateTls: (m) => credentials.rotate(m) }),
      ...(deps.watchDebounceMs === undefined ? {} : { debounceMs: deps.watchDebounceMs }),
    });
    grpc = await wiring.startExtProc({
      listen: config.grpcListen,
      runtime: reloader.runtime,
      observer,
      maxReceiveMessageBytes: config.maxReceiveMessageBytes,
      drainTimeoutSeconds: config.drainTimeoutSeconds,
      events: config.events,
      timing: messageBudgetOf(config.timing),
      limits: limitsMetrics(metrics),
      maxInflightBodyBytes: config.maxInflightBodyBytes,
      ...(credentials === undefined ? {} : { credentials }),
      log,
    });
    deps.signals.on("SIGHUP", onHangUp);
    reloader.startWatching();
    grpc.setServing(true);
    ready = true;
    log.info("weir serving", {
      version: packageVersion(),
      pid: process.pid,
      grpc_listen: formatListen({ host: config.grpcListen.host, port: grpc.port }),
      metrics_listen: formatListen({ host: config.metricsListen.host, port: metricsServer.port }),
      tls: config.tls === undefined ? "off" : config.tls.requireClientCert ? "mtls" : "on",
      config_file: config.configFile ?? null,
      mode: config.mode,
      threshold: config.threshold,
      paranoia: config.paranoia,
      routes: config.policies.routes.length,
      signatures: built.signatures,
      signatures_loaded: built.counts.loaded,
      signatures_skipped: built.counts.skipped,
      signatures_failed: built.counts.failed,
      compile_seconds: Number(engine.info.compileSeconds.toFixed(3)),
      signature_set_hash: engine.info.hash,
      watching: reloader.watching.length,
    });
    deps.onReloader?.(reloader);
    deps.onReady?.({ grpc: grpc.port, metrics: metricsServer.port });
    const signal = await nextSignal(deps.signals);
    ready = false;
    deps.signals.removeListener("SIGHUP", onHangUp);
    log.info("draining", { signal, drain_timeout_seconds: config.drainTimeoutSeconds });
    await drain(grpc, deps.signals, log);
    await reloader.close();
    log.info("weir stopped");
    return 0;
  } catch (error: unknown) {
    grpc?.forceClose();
    throw error;
  } finally {
    ready = false;
    deps.signals.removeListener("SIGHUP", onHangUp);
    await reloader?.close();
    await metricsServer.close();
  }
}

/** TLS credentials for the gRPC listener, when the configuration turns TLS on. */
async function serverCredentials(
  built: BuiltRuntime,
): Promise<RotatingServerCredentials | undefined> {
  const tls = built.config.tls;
  if (built.tls === undefined || tls === undefined) return undefined;
  // Imported here: grpc-js is only loaded by commands that serve.
  const { RotatingServerCredentials: Credentials } = await import(
    "../reload/server-credentials.js"
  );
  return new Credentials(built.tls, tls.requireClientCert);
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
