import { describe, expect, it } from "vitest";
import {
  createMetrics,
  MESSAGE_DURATION_BUCKETS,
  recordSignatureSet,
} from "../../src/metrics/metrics.js";

async function value(metrics: ReturnType<typeof createMetrics>, name: string, labels: object = {}) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const sample = metric?.values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels));
  return sample?.value;
}

describe("createMetrics", () => {
  it("registers weir's metrics on its own registry, not the global one", async () => {
    const { register } = await import("prom-client");
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.activeStreams.inc();
    expect(await value(a, "weir_active_streams")).toBe(1);
    expect(await value(b, "weir_active_streams")).toBe(0);
    expect(register.getSingleMetric("weir_active_streams")).toBeUndefined();
  });

  it("follows Prometheus naming: weir_ prefix, _total counters, base units", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const all = await metrics.registry.getMetricsAsJSON();
    expect(all.length).toBeGreaterThan(0);
    for (const m of all) {
      expect(m.name).toMatch(/^weir_[a-z_]+$/);
      // prom-client types `type` as a numeric enum; at run time it is the string "counter".
      expect(m.name.endsWith("_total")).toBe(String(m.type) === "counter");
      expect(m.name).not.toMatch(/_(ms|milliseconds|kb|kilobytes)(_|$)/);
      expect(m.help.length).toBeGreaterThan(10);
    }
  });

  it("adds process and Node.js metrics unless told not to", async () => {
    const names = (await createMetrics().registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain("process_cpu_seconds_total");
    expect(names).toContain("nodejs_eventloop_lag_seconds");
  });

  it("starts bounded label sets at zero so rates exist before the first event", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (const decision of ["allow", "detect", "block", "error"]) {
      expect(await value(metrics, "weir_exchanges_total", { route: "default", decision })).toBe(0);
    }
    expect(await value(metrics, "weir_signatures_loaded", { state: "failed" })).toBe(0);
  });

  it("buckets message durations from 10 µs to 250 ms, increasing", () => {
    expect(MESSAGE_DURATION_BUCKETS[0]).toBe(1e-5);
    expect(MESSAGE_DURATION_BUCKETS.at(-1)).toBe(0.25);
    for (let i = 1; i < MESSAGE_DURATION_BUCKETS.length; i++) {
      expect(MESSAGE_DURATION_BUCKETS[i]).toBeGreaterThan(MESSAGE_DURATION_BUCKETS[i - 1] ?? 0);
    }
  });
});

describe("recordSignatureSet", () => {
  it("publishes the load report, the set's hash and its compile time", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    recordSignatureSet(
      metrics,
      { loaded: 40, skipped: 2, failed: 1 },
      { hash: "aa", compileSeconds: 0.3 },
    );
    expect(await value(metrics, "weir_signatures_loaded", { state: "loaded" })).toBe(40);
    expect(await value(metrics, "weir_signatures_loaded", { state: "skipped" })).toBe(2);
    expect(await value(metrics, "weir_signatures_loaded", { state: "failed" })).toBe(1);
    expect(await value(metrics, "weir_engine_info", { signature_set_hash: "aa" })).toBe(1);
    expect(await value(metrics, "weir_engine_compile_seconds")).toBe(0.3);
  });

  it("keeps a single engine_info series across a reload", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    recordSignatureSet(
      metrics,
      { loaded: 1, skipped: 0, failed: 0 },
      { hash: "old", compileSeconds: 1 },
    );
    recordSignatureSet(
      metrics,
      { loaded: 2, skipped: 0, failed: 0 },
      { hash: "new", compileSeconds: 2 },
    );
    const info = (await metrics.registry.getMetricsAsJSON()).find(
      (m) => m.name === "weir_engine_info",
    );
    expect(info?.values).toEqual([{ value: 1, labels: { signature_set_hash: "new" } }]);
  });
});
