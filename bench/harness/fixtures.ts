/**
 * What several sections share, made once per run and on demand: the loaded built-in signature
 * set, the compiled engine at the default paranoia level (compiling takes seconds), and the two
 * servers under test as child processes: weir (`weir serve` from the transpiled build) and the
 * no-op baseline (bench/noop-server.ts). Every weir start is also a start-up sample: cold
 * (`--cache-dir off`, or the first start on the run's own, emptied, database cache, which
 * compiles and fills it) or warm (a later start on that cache, which only deserializes).
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import type { CompiledEngine } from "../../src/inspect/engine.js";
import type { LoadResult } from "../../src/signatures/load.js";
import { buildJavaScript } from "./build.js";
import { CACHE, pathOf } from "./paths.js";
import { type Child, startChild } from "./processes.js";
import { compileBuiltin, DEFAULT_PARANOIA, loadBuiltin } from "./signature-set.js";

export interface RunningServer {
  readonly name: "weir" | "no-op";
  readonly child: Child;
  readonly target: string;
  /** Every process serving: the child, or with --workers N its primary and N workers. */
  readonly pids: readonly number[];
}

export interface StartupSample {
  /** cold: compiled every database; warm: found them all in the database cache. */
  readonly cache: "cold" | "warm";
  /** Spawn to "weir serving" (process start, module loading, signature load and compile). */
  readonly seconds: number;
  /** compile_seconds from the serving line. */
  readonly compileSeconds: number;
}

const START_TIMEOUT_MS = 300_000;
/** The run's own compiled-database cache for `weir serve --cache-dir`, emptied at start. */
const DATABASE_CACHE = pathOf(new URL("weir-cache/", CACHE));

function cacheFilled(): boolean {
  return existsSync(DATABASE_CACHE) && readdirSync(DATABASE_CACHE).length > 0;
}

export class Fixtures {
  private loadedSet: Promise<LoadResult> | undefined;
  private engine: CompiledEngine | undefined;
  private build: Promise<URL> | undefined;
  private servers = new Map<string, Promise<RunningServer>>();
  readonly startups: StartupSample[] = [];

  constructor() {
    rmSync(DATABASE_CACHE, { recursive: true, force: true });
  }

  loaded(): Promise<LoadResult> {
    this.loadedSet ??= loadBuiltin();
    return this.loadedSet;
  }

  /** The engine at the default paranoia level, compiled once (or adopted from the caller). */
  async defaultEngine(adopt?: CompiledEngine): Promise<CompiledEngine> {
    if (adopt !== undefined && this.engine === undefined) this.engine = adopt;
    this.engine ??= compileBuiltin(await this.loaded(), DEFAULT_PARANOIA);
    return this.engine;
  }

  built(): Promise<URL> {
    this.build ??= buildJavaScript();
    return this.build;
  }

  /** A weir server shared by the sections that drive one (started on first use). */
  weir(): Promise<RunningServer> {
    return this.shared("weir", () => this.startWeir(true));
  }

  noop(): Promise<RunningServer> {
    return this.shared("no-op", () => this.startNoop());
  }

  /**
   * Starts a fresh weir server with or without the run's database cache, records its
   * start-up, and returns it (the caller stops it). One process unless `workers` > 1: then a
   * primary and its workers, ready once the primary logs that all of them serve (not recorded
   * as a start-up sample).
   */
  async startWeir(useCache: boolean, workers = 1): Promise<RunningServer> {
    const build = await this.built();
    const cache = useCache && cacheFilled() ? "warm" : "cold";
    const started = performance.now();
    const child = startChild(process.execPath, [
      pathOf(new URL("src/cli/main.js", build)),
      "serve",
      "--workers",
      String(workers),
      "--grpc-listen",
      "127.0.0.1:0",
      "--metrics-listen",
      "127.0.0.1:0",
      "--drain-timeout",
      "1",
      "--cache-dir",
      useCache ? DATABASE_CACHE : "off",
    ]);
    if (workers > 1) {
      const cluster = await child.waitFor((line) => {
        if (!line.includes('"weir cluster serving"')) return undefined;
        return JSON.parse(line) as { grpc_listen: string; pids: number[] };
      }, START_TIMEOUT_MS);
      return {
        name: "weir",
        child,
        target: cluster.grpc_listen,
        pids: [child.pid, ...cluster.pids],
      };
    }
    const serving = await child.waitFor((line) => {
      if (!line.includes('"weir serving"')) return undefined;
      return JSON.parse(line) as { grpc_listen: string; compile_seconds: number };
    }, START_TIMEOUT_MS);
    this.startups.push({
      cache,
      seconds: (performance.now() - started) / 1000,
      compileSeconds: serving.compile_seconds,
    });
    return { name: "weir", child, target: serving.grpc_listen, pids: [child.pid] };
  }

  private async startNoop(): Promise<RunningServer> {
    const build = await this.built();
    const child = startChild(process.execPath, [pathOf(new URL("bench/noop-server.js", build))]);
    const port = await child.waitFor((line) => {
      if (!line.includes('"noop serving"')) return undefined;
      return (JSON.parse(line) as { port: number }).port;
    }, 30_000);
    return { name: "no-op", child, target: `127.0.0.1:${port}`, pids: [child.pid] };
  }

  /** Spawn to "noop serving" of a fresh no-op server, which is then stopped. */
  async timeNoopStart(): Promise<number> {
    const started = performance.now();
    const server = await this.startNoop();
    const seconds = (performance.now() - started) / 1000;
    await server.child.stop();
    return seconds;
  }

  private shared(name: string, start: () => Promise<RunningServer>): Promise<RunningServer> {
    let server = this.servers.get(name);
    if (server === undefined) {
      server = start();
      this.servers.set(name, server);
    }
    return server;
  }

  async close(): Promise<void> {
    for (const server of this.servers.values()) {
      await server.then((s) => s.child.stop()).catch(() => {});
    }
    this.servers.clear();
    this.engine?.retire();
  }
}
