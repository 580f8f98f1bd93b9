/**
 * Hot reload for `weir serve`: on SIGHUP, or when a watched file changes, the configuration is
 * loaded again and a new Runtime (engine + route policies) is built beside the running one; only
 * a complete one replaces it, in one assignment. Streams read the runtime once, when they open,
 * so those in flight finish on the runtime they started with, and the old engine's native
 * databases are freed when its last exchange closes. A reload that fails at any step (YAML,
 * schema, a signature file, the compile, a certificate) keeps the running runtime, logs every
 * reason with its file and line, and shows in the weir_config_* metrics.
 */
import { dirname } from "node:path";
import { formatProblem } from "../config/file/problems.js";
import type { ServeConfigSource } from "../config/load-serve-config.js";
import { sameTlsMaterial, type TlsMaterial } from "../config/tls.js";
import type { Logger } from "../log/logger.js";
import { recordSignatureSet, type WeirMetrics } from "../metrics/metrics.js";
import type { Runtime } from "../server/runtime.js";
import { DirectoryWatcher } from "./file-watch.js";
import { inputFingerprint } from "./fingerprint.js";
import { ReloadQueue } from "./reload-queue.js";
import { keepRestartOnly } from "./restart-only.js";
import {
  type BuildDeps,
  type BuiltRuntime,
  buildRuntime,
  retireEngine,
} from "./runtime-builder.js";

export interface ReloadControllerOptions {
  readonly source: ServeConfigSource;
  readonly deps: BuildDeps;
  /** What serve started with. */
  readonly initial: BuiltRuntime;
  readonly metrics: WeirMetrics;
  readonly log: Logger;
  /** Gives the listener a new certificate (present when the listener speaks TLS). */
  readonly rotateTls?: (material: TlsMaterial) => void;
  /** Called after each successful swap (serve declares the new route names to the metrics). */
  readonly onReloaded?: (built: BuiltRuntime) => void;
  readonly debounceMs?: number;
  /** Wall clock in milliseconds (tests pin it). */
  readonly now?: () => number;
}

export type ReloadResult = "success" | "failure" | "unchanged";

export class ReloadController {
  #active: BuiltRuntime;
  #lastResult: ReloadResult | undefined;
  #failedFingerprint: string | undefined;
  readonly #queue: ReloadQueue;
  readonly #watcher: DirectoryWatcher;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor(private readonly options: ReloadControllerOptions) {
    this.#active = options.initial;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#queue = new ReloadQueue((reason, force) => this.#reload(reason, force));
    this.#watcher = new DirectoryWatcher({
      debounceMs: options.debounceMs,
      onChange: (dirs) => void this.request(`file change in ${dirs.join(", ")}`, false),
      onError: (dir, error) =>
        this.#log.warn("cannot watch a directory; SIGHUP still reloads", {
          directory: dir,
          error: error instanceof Error ? error.message : String(error),
        }),
    });
    options.metrics.configLastReloadSuccessful.set(1);
    options.metrics.configLastReloadSuccessTimestamp.set(this.#now() / 1000);
  }

  /** The runtime new streams get; streams call it once, when they open. */
  readonly runtime = (): Runtime => this.#active.runtime;

  get active(): BuiltRuntime {
    return this.#active;
  }

  /** The outcome of the last reload that ran, for tests and logs. */
  get lastResult(): ReloadResult | undefined {
    return this.#lastResult;
  }

  /** Starts watching the files the running configuration reads (unless `reload.watch: false`). */
  startWatching(): void {
    this.#watcher.watch(this.#active.config.watch ? watchedDirectories(this.#active) : []);
  }

  get watching(): readonly string[] {
    return this.#watcher.watching;
  }

  /** Reloads (forced: even when no file changed); resolves once it has run. */
  request(reason: string, force = true): Promise<void> {
    return this.#queue.request(reason, force);
  }

  /** Stops watching and waits for a reload in progress. */
  async close(): Promise<void> {
    this.#watcher.close();
    await this.#queue.idle();
  }

  async #reload(reason: string, force: boolean): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await this.#attempt(reason, force, started);
    } catch (error: unknown) {
      this.#failed(reason, [error instanceof Error ? error.message : String(error)]);
    }
  }

  async #attempt(reason: string, force: boolean, started: bigint): Promise<void> {
    const running = this.#active;
    // What the running configuration reads, as it is on disk now: its config file's text and
    // the files of its directories. Equal to the running one's: nothing to do; equal to the
    // last failed one's: the same broken files, already reported.
    const disk = await inputFingerprint(running.config);
    if (!force && (disk === running.fingerprint || disk === this.#failedFingerprint)) {
      this.#lastResult = "unchanged";
      this.#log.debug("no file the configuration reads has changed; nothing to reload", { reason });
      return;
    }
    this.#failedFingerprint = disk;
    const loaded = await this.options.source.load();
    if (!loaded.ok) {
      this.#failed(reason, loaded.problems.map(formatProblem));
      return;
    }
    const { config, changes } = keepRestartOnly(running.config, loaded.config);
    for (const change of changes) {
      this.#log.warn("setting needs a restart; keeping the running value", {
        key: change.key,
        running: change.running,
        requested: change.requested,
      });
    }
    const build = await buildRuntime(
      { ...loaded, config },
      running.runtime.generation + 1,
      this.options.deps,
    );
    if (!build.ok) {
      this.#failed(reason, build.errors);
      return;
    }
    const next = build.built;
    if (
      next.tls !== undefined &&
      running.tls !== undefined &&
      !sameTlsMaterial(next.tls, running.tls)
    ) {
      try {
        this.options.rotateTls?.(next.tls);
        this.#log.info("TLS certificate reloaded", { cert: config.tls?.files.cert ?? "" });
      } catch (error: unknown) {
        retireEngine(next.runtime.engine);
        this.#failed(reason, [`TLS: ${error instanceof Error ? error.message : String(error)}`]);
        return;
      }
    }
    this.#active = next;
    this.#failedFingerprint = undefined;
    retireEngine(running.runtime.engine);
    this.#succeeded(reason, next, started);
    this.options.onReloaded?.(next);
    this.startWatching();
  }

  #succeeded(reason: string, built: BuiltRuntime, started: bigint): void {
    const { metrics } = this.options;
    this.#lastResult = "success";
    metrics.configReloads.labels({ result: "success" }).inc();
    metrics.configLastReloadSuccessful.set(1);
    metrics.configLastReloadSuccessTimestamp.set(this.#now() / 1000);
    const engine = built.runtime.engine.info;
    recordSignatureSet(metrics, built.counts, engine);
    this.#log.info("configuration reloaded", {
      reason,
      generation: built.runtime.generation,
      routes: built.config.policies.routes.length,
      mode: built.config.mode,
      signatures: built.signatures,
      signatures_loaded: built.counts.loaded,
      signatures_skipped: built.counts.skipped,
      signatures_failed: built.counts.failed,
      signature_set_hash: engine.hash,
      compile_seconds: Number(engine.compileSeconds.toFixed(3)),
      reload_seconds: Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(3)),
    });
  }

  #failed(reason: string, errors: readonly string[]): void {
    const { metrics } = this.options;
    this.#lastResult = "failure";
    metrics.configReloads.labels({ result: "failure" }).inc();
    metrics.configLastReloadSuccessful.set(0);
    for (const error of errors) {
      this.#log.error("reload failed; the running configuration stays", {
        reason,
        error,
        generation: this.#active.runtime.generation,
      });
    }
  }
}

/** The configuration file's directory, the signature directories, the TLS files' directories. */
export function watchedDirectories(built: BuiltRuntime): Set<string> {
  const { config } = built;
  const dirs = new Set<string>(config.signaturesDirs);
  if (config.configFile !== undefined) dirs.add(dirname(config.configFile));
  const tls = config.tls?.files;
  for (const file of [tls?.cert, tls?.key, tls?.clientCa]) {
    if (file !== undefined) dirs.add(dirname(file));
  }
  return dirs;
}
