/**
 * What the primary's /metrics serves: every worker's registry (weir's metrics and the process
 * and Node.js metrics of each worker) aggregated by prom-client's AggregatorRegistry.aggregate,
 * plus the primary's own two metrics about its workers. Each metric says how it aggregates
 * (src/metrics/metrics.ts): counters, histograms and weir_active_streams sum; the signature
 * set's gauges take the first worker's value, so weir_engine_info stays one series per hash.
 *
 * The primary asks its workers itself (worker-pool.ts) rather than through prom-client's
 * clusterMetrics(): that one waits for every forked worker, including one still loading its
 * modules, which fails the whole scrape after 5 s whenever a worker is (re)starting; here only
 * workers that said they can answer are asked, and one that does not answer in time is left out
 * of that scrape.
 */
import { AggregatorRegistry, Counter, Gauge, Registry } from "prom-client";
import type { MetricsSource } from "../metrics/metrics-server.js";
import { SLOT_STATES, type WorkerPool } from "./worker-pool.js";

/** How long a scrape waits for a worker's answer. */
const COLLECT_TIMEOUT_MS = 2000;

/** The metrics only the primary of `--workers N` serves (documented with the others). */
export const PRIMARY_METRIC_NAMES = ["weir_workers", "weir_worker_restarts_total"] as const;

export interface ClusterMetrics {
  readonly source: MetricsSource;
  readonly restarts: Counter;
}

export function createClusterMetrics(pool: WorkerPool): ClusterMetrics {
  const own = new Registry();
  const registers = [own];
  new Gauge({
    name: PRIMARY_METRIC_NAMES[0],
    help: "weir serve worker processes by state (starting, ready, restarting after a death, stopped).",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const states = pool.states();
      for (const state of SLOT_STATES) this.labels({ state }).set(states[state]);
    },
  });
  const restarts = new Counter({
    name: PRIMARY_METRIC_NAMES[1],
    help: "Workers restarted by the primary after they died.",
    registers,
  });
  const aggregated = async (): Promise<Registry> => {
    const workers = await pool.collect(COLLECT_TIMEOUT_MS);
    return AggregatorRegistry.aggregate([...workers, await own.getMetricsAsJSON()]);
  };
  const source: MetricsSource = {
    contentType: own.contentType,
    metrics: async () => await (await aggregated()).metrics(),
    getMetricsAsJSON: async () => await (await aggregated()).getMetricsAsJSON(),
  };
  return { source, restarts };
}
