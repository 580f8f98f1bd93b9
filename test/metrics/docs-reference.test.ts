// The metric tables in docs/metrics.md and README.md are written by hand; this checks them
// against the registry: every metric documented with its type and labels, nothing extra.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PRIMARY_METRIC_NAMES } from "../../src/cluster/cluster-metrics.js";
import { createMetrics } from "../../src/metrics/metrics.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const docs = read("docs/metrics.md");
const readme = read("README.md");
const { registry } = createMetrics({ defaultMetrics: false });
const metrics = await registry.getMetricsAsJSON();

/** A metric's declared label names (prom-client keeps them on the metric object). */
function labelNames(name: string): readonly string[] {
  const metric = registry.getSingleMetric(name) as unknown as { labelNames?: readonly string[] };
  return metric.labelNames ?? [];
}

const rowOf = (text: string, name: string) =>
  text.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
const documented = (text: string) =>
  [...text.matchAll(/^\| `(weir_[a-z_]+)` \|/gm)].map((m) => m[1]);

describe("metric references", () => {
  for (const m of metrics) {
    it(`docs/metrics.md documents ${m.name} as a ${String(m.type)} with its labels`, () => {
      const row = rowOf(docs, m.name);
      expect(row).toBeDefined();
      expect(row?.split("|")[2]?.trim()).toBe(String(m.type));
      for (const label of labelNames(m.name)) expect(row).toContain(`\`${label}\``);
    });
    it(`README lists ${m.name}`, () => {
      expect(rowOf(readme, m.name)).toContain(String(m.type));
    });
  }

  it("reads label names from the metric definitions", () => {
    expect(labelNames("weir_signature_matches_total")).toEqual([
      "signature_id",
      "family",
      "outcome",
    ]);
  });

  it("documents no metric that does not exist", () => {
    // The primary of `--workers N` serves two metrics of its own beside the workers' registry.
    const names = new Set([...metrics.map((m) => m.name), ...PRIMARY_METRIC_NAMES]);
    expect(documented(docs).filter((n) => !names.has(n ?? ""))).toEqual([]);
    expect(documented(readme).filter((n) => !names.has(n ?? ""))).toEqual([]);
  });
});
