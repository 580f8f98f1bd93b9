/**
 * Which part of a cluster this `weir serve` process plays: a single process (--workers 1), the
 * primary that forks and supervises the workers, or one of those workers. Workers run this same
 * command line (node:cluster re-runs it with NODE_UNIQUE_ID set), so they read the same
 * configuration and find out their role here.
 */
import cluster from "node:cluster";

export type ClusterRole = "single" | "primary" | "worker";

/**
 * `inProcessDoubles`: the caller injected test doubles for the engine wiring; they cannot cross
 * into forked processes, so such a caller is always served in its own process.
 */
export function clusterRole(workers: number, inProcessDoubles: boolean): ClusterRole {
  if (workers <= 1 || inProcessDoubles) return "single";
  return cluster.isWorker ? "worker" : "primary";
}
