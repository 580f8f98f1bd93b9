/**
 * Child processes of a bench run: start one, wait for the line that says it is ready, sample
 * its memory and CPU from /proc, and stop it by its own PID (never by name). Every child the
 * run starts is tracked, so an interrupted run still stops them.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";

const children = new Set<ChildProcess>();

export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the first stdout line `match` accepts (parsed), or rejects on exit/timeout. */
  waitFor<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T>;
  /** Every stdout line so far (bounded to the last 200). */
  readonly lines: string[];
  /** stderr so far (bounded), for error messages. */
  stderr(): string;
  stop(): Promise<void>;
}

export function startChild(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Child {
  const proc = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (proc.pid === undefined) throw new Error(`could not start ${command} ${args.join(" ")}`);
  const pid = proc.pid;
  children.add(proc);
  const lines: string[] = [];
  let err = "";
  const waiters = new Set<(line: string | undefined) => void>();
  createInterface({ input: proc.stdout }).on("line", (line) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
    for (const w of [...waiters]) w(line);
  });
  proc.stderr.on("data", (chunk: Buffer) => {
    err = (err + chunk.toString("utf8")).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    proc.once("exit", () => {
      children.delete(proc);
      for (const w of [...waiters]) w(undefined);
      resolve();
    });
  });
  const describe = () => `${command} ${args.join(" ")} (pid ${pid})`;
  return {
    pid,
    process: proc,
    lines,
    stderr: () => err,
    waitFor<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const done = (error: Error | undefined, value?: T) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          if (error === undefined) resolve(value as T);
          else reject(error);
        };
        const waiter = (line: string | undefined) => {
          if (line === undefined) {
            done(new Error(`${describe()} exited before it was ready; stderr: ${err.trim()}`));
            return;
          }
          const value = match(line);
          if (value !== undefined) done(undefined, value);
        };
        const timer = setTimeout(
          () => done(new Error(`${describe()} not ready after ${timeoutMs} ms; stderr: ${err}`)),
          timeoutMs,
        );
        for (const line of lines) {
          const value = match(line);
          if (value !== undefined) {
            done(undefined, value);
            return;
          }
        }
        if (proc.exitCode !== null || proc.signalCode !== null) {
          waiter(undefined);
          return;
        }
        waiters.add(waiter);
      });
    },
    async stop(): Promise<void> {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      process.kill(pid, "SIGTERM");
      const timer = setTimeout(() => {
        if (proc.exitCode === null && proc.signalCode === null) process.kill(pid, "SIGKILL");
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Stops every child still running (on exit or interruption of the run). */
export function stopAllChildren(): void {
  for (const proc of children) {
    if (proc.pid !== undefined && proc.exitCode === null) {
      try {
        process.kill(proc.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
}

export interface MemorySample {
  /** Resident set now and its peak (high-water mark), bytes. */
  readonly rssBytes: number;
  readonly hwmBytes: number;
}

export function memoryOf(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status);
    if (m?.[1] === undefined) throw new Error(`/proc/${pid}/status has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return { rssBytes: kib("VmRSS"), hwmBytes: kib("VmHWM") };
}

/**
 * Resets the process's VmHWM to its current RSS (`5` to /proc/PID/clear_refs, Linux >= 4.0),
 * so a later VmHWM is the peak of what happened in between. False when not permitted.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `everyMs` until stopped; returns the highest value seen (bytes). */
export function sampleRss(pid: number, everyMs = 20): { stop(): number } {
  let peak = memoryOf(pid).rssBytes;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, memoryOf(pid).rssBytes);
    } catch {
      // The process ended; keep the peak so far.
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

let ticksPerSecond: number | undefined;

/** User + system CPU seconds the process has used so far. */
export function cpuSecondsOf(pid: number): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond;
}
