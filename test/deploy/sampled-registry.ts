/**
 * weir's real metrics registry (createMetrics, with prom-client's process and Node.js metrics)
 * after one observation of every kind through MetricsObserver, so every metric family has
 * samples: what a /metrics scrape of a running weir looks like, without starting one. The
 * deploy tests lint it with promtool and check the dashboard and alerts against its names.
 */
import type { Match } from "../../src/inspect/types.js";
import { createMetrics, recordSignatureSet, type WeirMetrics } from "../../src/metrics/metrics.js";
import { MetricsObserver } from "../../src/metrics/observer.js";
import { testContext } from "../exchange/context.js";

const SQLI: Match = {
  signatureId: 100000,
  family: "sqli",
  severity: "critical",
  score: 5,
  target: "args",
  field: "id",
  offset: 12,
};

const XSS: Match = { ...SQLI, signatureId: 101000, family: "xss", field: "q" };
const LIMIT: Match = { ...SQLI, signatureId: 990007, family: "limits", target: "request_body" };

export function sampledMetrics(): WeirMetrics {
  const metrics = createMetrics();
  const observer = new MetricsObserver(metrics);
  recordSignatureSet(
    metrics,
    { loaded: 123, skipped: 13, failed: 1 },
    {
      hash: "eec93f481ee63e64939fa301cb08039ff0b156c32340294b0459cb59cdbbc32d",
      compileSeconds: 6.2,
    },
  );
  observer.streamOpened();
  observer.streamOpened();
  observer.messageProcessed("request_headers", 0.0004);
  observer.messageProcessed("request_body", 0.00002);
  observer.messageProcessed("response_headers", 0.00008);
  observer.bytesInspected("request", 2048);
  observer.bytesInspected("response", 512);
  const context = testContext();
  observer.decided("request", { kind: "detect", score: 5, matches: [XSS] }, context);
  observer.decided(
    "request",
    { kind: "block", status: 403, reason: "signature", score: 10, matches: [XSS, SQLI] },
    context,
  );
  observer.decided("response", { kind: "allow" }, testContext({ requestId: "req-2" }));
  observer.redacted("response", { matches: [SQLI], maskedBytes: 16 }, context);
  observer.exchangeCompleted("block", {
    context,
    seconds: 0.0005,
    hits: [
      { direction: "request", match: XSS, outcome: "blocked" },
      { direction: "request", match: SQLI, outcome: "blocked" },
      { direction: "request", match: { ...XSS, signatureId: 101001 }, outcome: "excluded" },
      { direction: "request", match: LIMIT, outcome: "blocked" },
    ],
  });
  observer.exchangeCompleted("allow", {
    context: testContext({ requestId: "req-2", route: "api" }),
    seconds: 0.0001,
    hits: [],
  });
  observer.streamClosed();
  observer.streamError("client_cancelled");
  observer.streamClosed();
  observer.exchangeCompleted("error");
  return metrics;
}

/** Names of the series a family exposes: a histogram's _bucket, _sum and _count. */
export async function seriesNames(metrics: WeirMetrics): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    if (String(m.type) === "histogram") {
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${m.name}${suffix}`);
    } else {
      names.add(m.name);
    }
  }
  return names;
}

/**
 * Label names per series name (a histogram's series carry `le` too), from each metric's
 * declared label names (prom-client keeps them on the metric) and its current samples.
 */
export async function labelNames(metrics: WeirMetrics): Promise<Map<string, Set<string>>> {
  const byName = new Map<string, Set<string>>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    const declared = (metrics.registry.getSingleMetric(m.name) as { labelNames?: string[] })
      .labelNames;
    const labels = new Set([
      ...(declared ?? []),
      ...m.values.flatMap((v) => Object.keys(v.labels)),
    ]);
    labels.delete("le");
    if (String(m.type) === "histogram") {
      byName.set(`${m.name}_bucket`, new Set([...labels, "le"]));
      byName.set(`${m.name}_sum`, labels);
      byName.set(`${m.name}_count`, labels);
    } else {
      byName.set(m.name, labels);
    }
  }
  return byName;
}
