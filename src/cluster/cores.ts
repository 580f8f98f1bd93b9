/**
 * How many CPU cores this process may use: the default number of `weir serve` workers. In a
 * container the machine's core count overstates it (a pod limited to 2 CPUs on a 64-core node
 * would start 64 workers of about 100 MiB each and be throttled or OOM-killed), so a cgroup CPU
 * quota, when one is set, caps it: cgroup v2 `cpu.max`, else cgroup v1 `cpu.cfs_quota_us` over
 * `cpu.cfs_period_us`, rounded down (at least 1): a fraction of a core left over serves the
 * garbage collector and libuv threads, as deploy/k8s/deployment.yaml's 1.5-CPU limit intends.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

const CGROUP_V2_CPU_MAX = "/sys/fs/cgroup/cpu.max";
const CGROUP_V1_QUOTA = "/sys/fs/cgroup/cpu/cpu.cfs_quota_us";
const CGROUP_V1_PERIOD = "/sys/fs/cgroup/cpu/cpu.cfs_period_us";

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Cores allowed by a quota over a period (both in microseconds); undefined when unlimited. */
export function quotaCores(
  quota: string | undefined,
  period: string | undefined,
): number | undefined {
  if (quota === undefined || period === undefined || quota === "max") return undefined;
  const q = Number(quota);
  const p = Number(period);
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return Math.max(1, Math.floor(q / p));
}

/** The CPU quota of this process's cgroup in cores, or undefined when none is set. */
export function cgroupCores(
  read: (path: string) => string | undefined = readText,
): number | undefined {
  const v2 = read(CGROUP_V2_CPU_MAX);
  if (v2 !== undefined) {
    const [quota, period] = v2.split(/\s+/);
    return quotaCores(quota, period);
  }
  return quotaCores(read(CGROUP_V1_QUOTA), read(CGROUP_V1_PERIOD));
}

/** Cores this process may use: the machine's, capped by a cgroup CPU quota. At least 1. */
export function availableCores(read?: (path: string) => string | undefined): number {
  const machine = availableParallelism();
  const quota = cgroupCores(read);
  return Math.max(1, quota === undefined ? machine : Math.min(machine, quota));
}
