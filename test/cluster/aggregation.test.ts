// How weir's metrics read once the primary aggregates its workers' registries (the same
// prom-client call the primary makes): counts, histograms and active streams add up; the
// signature set's gauges are reported once, not once per worker.
import { AggregatorRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetrics, recordSignatureSet, type WeirMetrics } from "../../src/metrics/metrics.js";
import { sample } from "./weir-cluster.js";

function worker(exchanges: number, active: number, compileSeconds: number): WeirMetrics {
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.exchanges.labels({ route: "default", decision: "allow" }).inc(exchanges);
  metrics.activeStreams.set(active);
  metrics.messageDuration.labels({ phase: "request_body" }).observe(0.001);
  recordSignatureSet(
    metrics,
    { loaded: 138, skipped: 12, failed: 0 },
    { hash: "abc", compileSeconds },
  );
  return metrics;
}

describe("metrics aggregated over workers", () => {
  it("sums counts and active streams, and keeps the signature set's gauges single", async () => {
    const workers = [worker(5, 2, 1.5), worker(7, 3, 0.25)];
    const json = await Promise.all(workers.map((w) => w.registry.getMetricsAsJSON()));
    const text = await AggregatorRegistry.aggregate(json).metrics();
    expect(sample(text, 'weir_exchanges_total{route="default",decision="allow"}')).toBe(12);
    expect(sample(text, "weir_active_streams")).toBe(5);
    expect(sample(text, 'weir_message_duration_seconds_count{phase="request_body"}')).toBe(2);
    expect(sample(text, 'weir_signatures_loaded{state="loaded"}')).toBe(138);
    expect(sample(text, 'weir_engine_info{signature_set_hash="abc"}')).toBe(1);
    expect(sample(text, "weir_engine_compile_seconds")).toBe(1.5);
  });
});
