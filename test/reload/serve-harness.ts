/**
 * `weir serve` run in-process with the real engine, on 127.0.0.1, from a configuration file in
 * a temporary directory: the reload and TLS tests write files, send signals through an
 * emitter, follow the JSON log lines, and read /metrics.
 */
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServe } from "../../src/cli/serve.js";
import { serveConfigSource } from "../../src/config/load-serve-config.js";
import type { ReloadController } from "../../src/reload/reload-controller.js";

export type LogLine = Record<string, unknown>;

/** A signature file with one marker signature (id 111500, scanner's local range). */
export function markerSignatures(word: string): string {
  return `family: scanner
signatures:
  - id: 111500
    name: test marker
    severity: critical
    paranoia: 1
    targets: [args]
    pattern: '${word}'
    samples:
      match: ["${word}", "x ${word} y"]
      nomatch: ["hello", "world"]
`;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "weir-reload-"));
}

export interface ServeOptions {
  /** The configuration file (absolute path). */
  readonly config: string;
  readonly flags?: Record<string, string>;
}

export class ServeHarness {
  readonly signals = new EventEmitter();
  readonly lines: LogLine[] = [];
  readonly #waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  reloader: ReloadController | undefined;
  ports = { grpc: 0, metrics: 0 };
  exit: Promise<number> = Promise.resolve(0);

  /** Starts serve; resolves once it is ready, or rejects with its log if it exits first. */
  static async start(options: ServeOptions): Promise<ServeHarness> {
    const h = new ServeHarness();
    const flags = new Map(
      Object.entries({ config: options.config, workers: "1", ...options.flags }),
    );
    const ready = new Promise<void>((resolve) => {
      h.exit = runServe(serveConfigSource(flags, {}), {
        signals: h.signals,
        sink: (line) => h.#line(JSON.parse(line) as LogLine),
        onReady: (ports) => {
          h.ports = ports;
          resolve();
        },
        onReloader: (r) => {
          h.reloader = r;
        },
        watchDebounceMs: 50,
      });
    });
    const exited = h.exit.then((code) => {
      throw new Error(`serve exited ${code} before ready: ${JSON.stringify(h.lines)}`);
    });
    await Promise.race([ready, exited]);
    exited.catch(() => {});
    return h;
  }

  /** The next log line (from now on) that `match` accepts. */
  waitFor(match: (l: LogLine) => boolean): Promise<LogLine> {
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** Sends SIGHUP and resolves with the reload's outcome line. */
  async hangUp(): Promise<LogLine> {
    const outcome = this.waitFor(
      (l) =>
        l.msg === "configuration reloaded" ||
        l.msg === "reload failed; the running configuration stays",
    );
    this.signals.emit("SIGHUP");
    return await outcome;
  }

  async metric(name: string): Promise<number | undefined> {
    const text = await (await fetch(`http://127.0.0.1:${this.ports.metrics}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  }

  async stop(): Promise<number> {
    this.signals.emit("SIGTERM");
    return await this.exit;
  }

  #line(line: LogLine): void {
    this.lines.push(line);
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i];
      if (waiter?.match(line)) {
        this.#waiters.splice(i, 1);
        waiter.resolve(line);
      }
    }
  }
}

export function write(path: string, text: string): void {
  writeFileSync(path, text);
}

export function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
