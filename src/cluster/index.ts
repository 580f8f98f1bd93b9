/**
 * What `weir serve` needs from the cluster module: its role, the primary's entry, and the two
 * things a worker swaps in (the IPC link instead of the metrics listener, the primary's
 * signals instead of the OS's).
 */
export { runPrimary } from "./primary.js";
export { type ClusterRole, clusterRole } from "./role.js";
export { startWorkerLink, workerSignals } from "./worker-link.js";
