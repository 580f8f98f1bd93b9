/**
 * Stops a child process a test started under timeout(1): SIGTERM first (weir drains, Prometheus
 * flushes), then SIGKILL to the child's own process group if it has not exited in time.
 * timeout(1) leads its own process group, so the group kill ends it and the program it runs,
 * nothing else.
 */
import type { ChildProcess } from "node:child_process";

export async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), timeoutMs);
  });
  if ((await Promise.race([exited, late])) === "late" && child.pid !== undefined) {
    process.kill(-child.pid, "SIGKILL");
    await exited;
  }
  clearTimeout(timer);
}
