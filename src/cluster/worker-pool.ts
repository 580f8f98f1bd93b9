/**
 * The primary's workers: forks them (node:cluster, each re-running this command line), tracks
 * each one's state from its IPC messages, restarts one that dies (with RestartBackoff), asks
 * them for their metrics, forwards signals and stops them.
 *
 * Each worker holds a slot (1..N, stable across restarts, used in logs). The initial start
 * fails as a whole when a worker exits before it was ever ready (a bad signature set, a port
 * in use): that is the single-process `weir serve` refusing to start, and restarting would
 * only repeat it. After that, a dead worker is restarted whatever the cause.
 */
import cluster, { type Address, type Worker } from "node:cluster";
import type { Logger } from "../log/logger.js";
import { isWorkerMessage, type PrimaryMessage, type WorkerMetrics } from "./messages.js";
import { type BackoffOptions, DEFAULT_BACKOFF, RestartBackoff } from "./restart-backoff.js";

export const SLOT_STATES = ["starting", "ready", "restarting", "stopped"] as const;
export type SlotState = (typeof SLOT_STATES)[number];

interface Slot {
  readonly number: number;
  readonly backoff: RestartBackoff;
  worker: Worker | undefined;
  /** The worker answers metrics requests (it sent `linked`). */
  linked: boolean;
  ready: boolean;
  everReady: boolean;
  startedAt: number;
  restartTimer: NodeJS.Timeout | undefined;
  /** Metrics requests waiting for this worker's answer, by request id. */
  readonly waiting: Map<number, (metrics: WorkerMetrics | undefined) => void>;
}

export interface WorkerPoolOptions {
  readonly size: number;
  readonly log: Logger;
  readonly backoff?: BackoffOptions;
  /** A worker is being restarted (for weir_worker_restarts_total). */
  readonly onRestart?: () => void;
  /** Some worker's readiness changed. */
  readonly onReadiness?: () => void;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private stopping = false;
  private started = false;
  private nextRequest = 0;
  private failStart: (error: Error) => void = () => {};
  private finishStart: () => void = () => {};
  private allExited: () => void = () => {};
  private cleanExits = true;
  private env: Readonly<Record<string, string>> = {};
  /** The address the first worker's gRPC server listens on (all share it). */
  listening: Address | undefined;

  constructor(private readonly options: WorkerPoolOptions) {
    this.slots = Array.from({ length: options.size }, (_, i) => ({
      number: i + 1,
      backoff: new RestartBackoff(options.backoff ?? DEFAULT_BACKOFF),
      worker: undefined,
      linked: false,
      ready: false,
      everReady: false,
      startedAt: 0,
      restartTimer: undefined,
      waiting: new Map(),
    }));
  }

  /**
   * Forks every worker with `env` added to its environment; resolves once all were ready,
   * rejects if one exits before that.
   */
  start(env: Readonly<Record<string, string>>): Promise<void> {
    this.env = env;
    const done = new Promise<void>((resolve, reject) => {
      this.finishStart = resolve;
      this.failStart = reject;
    });
    for (const slot of this.slots) this.fork(slot);
    return done;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Every slot has a ready worker. */
  allReady(): boolean {
    return this.slots.every((s) => s.ready);
  }

  pids(): number[] {
    return this.slots.flatMap((s) =>
      s.worker?.process.pid === undefined ? [] : [s.worker.process.pid],
    );
  }

  states(): Record<SlotState, number> {
    const counts: Record<SlotState, number> = { starting: 0, ready: 0, restarting: 0, stopped: 0 };
    for (const slot of this.slots) counts[this.stateOf(slot)]++;
    return counts;
  }

  /** Each linked worker's metrics; a worker that does not answer within `timeoutMs` is left out. */
  async collect(timeoutMs: number): Promise<WorkerMetrics[]> {
    const id = this.nextRequest++;
    const answers = this.slots
      .filter((slot) => slot.linked && slot.worker !== undefined)
      .map(
        (slot) =>
          new Promise<WorkerMetrics | undefined>((resolve) => {
            const timer = setTimeout(() => settle(undefined), timeoutMs);
            const settle = (metrics: WorkerMetrics | undefined) => {
              clearTimeout(timer);
              slot.waiting.delete(id);
              if (metrics === undefined) {
                this.options.log.warn("worker did not answer a metrics request", {
                  worker: slot.number,
                  timeout_ms: timeoutMs,
                });
              }
              resolve(metrics);
            };
            slot.waiting.set(id, settle);
            this.send(slot, { type: "weir:metrics-request", id });
          }),
      );
    const metrics = await Promise.all(answers);
    return metrics.filter((m): m is WorkerMetrics => m !== undefined);
  }

  /** Passes a signal on to every running worker. */
  forward(signal: "SIGTERM" | "SIGINT" | "SIGHUP"): void {
    for (const slot of this.slots) this.send(slot, { type: "weir:signal", signal });
  }

  /**
   * Stops restarting, asks every ready worker to drain (SIGTERM over IPC), kills workers still
   * starting (they serve nothing and do not listen for signals yet) and, after `graceMs`, any
   * worker still running. Resolves true when every worker asked to drain exited with status 0.
   */
  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    const exited = new Promise<void>((resolve) => {
      this.allExited = resolve;
    });
    for (const slot of this.slots) {
      if (slot.restartTimer !== undefined) clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
      if (slot.worker === undefined) continue;
      if (slot.ready) this.send(slot, { type: "weir:signal", signal: "SIGTERM" });
      else slot.worker.process.kill("SIGKILL");
    }
    this.checkAllExited();
    const timer = setTimeout(() => {
      for (const slot of this.slots) {
        if (slot.worker === undefined) continue;
        this.options.log.warn("worker did not stop in time; killing it", {
          worker: slot.number,
          pid: slot.worker.process.pid ?? null,
          grace_ms: graceMs,
        });
        this.cleanExits = false;
        slot.worker.process.kill("SIGKILL");
      }
    }, graceMs);
    await exited;
    clearTimeout(timer);
    return this.cleanExits;
  }

  private stateOf(slot: Slot): SlotState {
    if (slot.worker === undefined)
      return slot.restartTimer === undefined ? "stopped" : "restarting";
    return slot.ready ? "ready" : "starting";
  }

  private send(slot: Slot, message: PrimaryMessage): void {
    const worker = slot.worker;
    if (worker === undefined || !worker.isConnected()) return;
    worker.send(message, undefined, () => {});
  }

  private fork(slot: Slot): void {
    slot.restartTimer = undefined;
    const worker = cluster.fork({ ...this.env });
    slot.worker = worker;
    slot.linked = false;
    slot.ready = false;
    slot.startedAt = Date.now();
    this.options.log.info("worker started", {
      worker: slot.number,
      pid: worker.process.pid ?? null,
    });
    worker.on("message", (message: unknown) => this.onMessage(slot, worker, message));
    worker.on("listening", (address: Address) => {
      this.listening ??= address;
    });
    worker.on("exit", (code: number | null, signal: string | null) =>
      this.onExit(slot, worker, code, signal),
    );
  }

  private onMessage(slot: Slot, worker: Worker, message: unknown): void {
    if (slot.worker !== worker || !isWorkerMessage(message)) return;
    switch (message.type) {
      case "weir:linked":
        slot.linked = true;
        return;
      case "weir:readiness":
        slot.linked = true;
        if (slot.ready === message.ready) return;
        slot.ready = message.ready;
        if (message.ready) slot.everReady = true;
        this.options.onReadiness?.();
        if (!this.started && this.allReady()) {
          this.started = true;
          this.finishStart();
        }
        return;
      case "weir:metrics":
        slot.waiting.get(message.id)?.(message.metrics);
        return;
      case "weir:metrics-error":
        this.options.log.warn("worker could not collect its metrics", {
          worker: slot.number,
          error: message.error,
        });
        slot.waiting.get(message.id)?.(undefined);
        return;
      default:
        message satisfies never;
    }
  }

  private onExit(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    const wasReady = slot.ready;
    slot.worker = undefined;
    slot.linked = false;
    slot.ready = false;
    for (const settle of [...slot.waiting.values()]) settle(undefined);
    if (wasReady) this.options.onReadiness?.();
    const fields = { worker: slot.number, pid: worker.process.pid ?? null, code, signal };
    if (this.stopping) {
      if (wasReady && code !== 0) this.cleanExits = false;
      this.options.log.info("worker stopped", fields);
      this.checkAllExited();
      return;
    }
    if (!this.started && !slot.everReady) {
      this.failStart(
        new Error(
          `worker ${slot.number} (pid ${worker.process.pid}) exited ` +
            `${signal === null ? `with status ${code}` : `on ${signal}`} before it was ready`,
        ),
      );
      return;
    }
    const delay = slot.backoff.next(Date.now() - slot.startedAt);
    this.options.log.warn("worker exited; restarting it", { ...fields, restart_in_ms: delay });
    this.options.onRestart?.();
    slot.restartTimer = setTimeout(() => this.fork(slot), delay);
  }

  private checkAllExited(): void {
    if (this.stopping && this.slots.every((s) => s.worker === undefined)) this.allExited();
  }
}
