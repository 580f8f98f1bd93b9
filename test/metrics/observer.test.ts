import { describe, expect, it } from "vitest";
import type { Match } from "../../src/inspect/types.js";
import { createSecurityEventLog } from "../../src/log/security-events.js";
import { createMetrics } from "../../src/metrics/metrics.js";
import { MetricsObserver } from "../../src/metrics/observer.js";
import type { Decision } from "../../src/policy/decision.js";

function setup() {
  const metrics = createMetrics({ defaultMetrics: false });
  const lines: string[] = [];
  const observer = new MetricsObserver(
    metrics,
    createSecurityEventLog((l) => lines.push(l)),
  );
  const read = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
    const want = JSON.stringify(labels);
    return metric?.values.find((v) => JSON.stringify(v.labels) === want)?.value;
  };
  return { metrics, observer, lines, read };
}

const match = (signatureId: number, family: Match["family"] = "sqli"): Match => ({
  signatureId,
  family,
  severity: "critical",
  score: 5,
  target: "args",
  field: "id",
  offset: 3,
});

describe("MetricsObserver", () => {
  it("tracks open streams and counts errors by reason", async () => {
    const { observer, read } = setup();
    observer.streamOpened();
    observer.streamOpened();
    observer.streamClosed();
    observer.streamError("client_cancelled");
    expect(await read("weir_active_streams")).toBe(1);
    expect(await read("weir_stream_errors_total", { reason: "client_cancelled" })).toBe(1);
    expect(await read("weir_stream_errors_total", { reason: "internal_error" })).toBe(0);
  });

  it("observes message time in the histogram of its phase", async () => {
    const { metrics, observer } = setup();
    observer.messageProcessed("request_body", 0.00002);
    observer.messageProcessed("request_body", 0.3);
    observer.messageProcessed("response_headers", 0.001);
    const h = "weir_message_duration_seconds";
    const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === h);
    const sample = (suffix: string, phase: string, le?: number) =>
      metric?.values.find(
        (v) =>
          (v as { metricName?: string }).metricName === `${h}_${suffix}` &&
          v.labels.phase === phase &&
          (le === undefined || v.labels.le === le),
      )?.value;
    expect(sample("count", "request_body")).toBe(2);
    expect(sample("count", "response_headers")).toBe(1);
    expect(sample("bucket", "request_body", 0.000025)).toBe(1);
    expect(sample("bucket", "request_body", 0.25)).toBe(1);
    expect(sample("count", "request_headers")).toBe(0);
  });

  it("counts inspected bytes by direction", async () => {
    const { observer, read } = setup();
    observer.bytesInspected("request", 1000);
    observer.bytesInspected("request", 24);
    observer.bytesInspected("response", 0);
    expect(await read("weir_inspected_bytes_total", { direction: "request" })).toBe(1024);
    expect(await read("weir_inspected_bytes_total", { direction: "response" })).toBe(0);
  });

  it("counts each match once per direction although later decisions repeat it", async () => {
    const { observer, read } = setup();
    const first = match(942100);
    const second = match(941100, "xss");
    const detect: Decision = { kind: "detect", score: 5, matches: [first] };
    const block: Decision = {
      kind: "block",
      status: 403,
      reason: "signature",
      score: 10,
      matches: [first, second],
    };
    observer.decided("request", detect, "r1");
    observer.decided("request", block, "r1");
    observer.decided("request", { kind: "detect", score: 5, matches: [match(942100)] }, "r2");
    const m = "weir_signature_matches_total";
    expect(await read(m, { signature_id: "942100", family: "sqli" })).toBe(2);
    expect(await read(m, { signature_id: "941100", family: "xss" })).toBe(1);
    const d = "weir_decisions_total";
    expect(await read(d, { direction: "request", decision: "detect", reason: "signature" })).toBe(
      2,
    );
    expect(await read(d, { direction: "request", decision: "block", reason: "signature" })).toBe(1);
  });

  it("labels a detect by the kind of finding behind it", async () => {
    const { observer, read } = setup();
    const limits: Decision = { kind: "detect", score: 0, matches: [match(900001, "limits")] };
    observer.decided("response", limits, "r");
    observer.decided("response", { kind: "allow" }, "r");
    const d = "weir_decisions_total";
    expect(await read(d, { direction: "response", decision: "detect", reason: "limits" })).toBe(1);
    expect(await read(d, { direction: "response", decision: "allow", reason: "none" })).toBe(1);
  });

  it("writes a security event for block and detect decisions only", () => {
    const { observer, lines } = setup();
    observer.decided("request", { kind: "allow" }, "r0");
    observer.decided("request", { kind: "detect", score: 5, matches: [match(1)] }, "r1");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ request_id: "r1", decision: "detect" });
  });

  it("creates every decision label set at zero", async () => {
    const { read } = setup();
    const d = "weir_decisions_total";
    expect(await read(d, { direction: "request", decision: "allow", reason: "none" })).toBe(0);
    for (const direction of ["request", "response"])
      for (const decision of ["detect", "block"])
        for (const reason of ["signature", "limits", "protocol"])
          expect(await read(d, { direction, decision, reason })).toBe(0);
  });

  it("counts allow once per exchange completed without findings, on the request", async () => {
    const { observer, read } = setup();
    observer.exchangeCompleted("allow");
    observer.exchangeCompleted("allow");
    observer.exchangeCompleted("detect");
    observer.exchangeCompleted("error");
    const d = "weir_decisions_total";
    expect(await read(d, { direction: "request", decision: "allow", reason: "none" })).toBe(2);
    expect(await read(d, { direction: "response", decision: "allow", reason: "none" })).toBe(
      undefined,
    );
  });

  it("counts completed exchanges by outcome", async () => {
    const { observer, read } = setup();
    observer.exchangeCompleted("block");
    observer.exchangeCompleted("allow");
    observer.exchangeCompleted("allow");
    expect(await read("weir_exchanges_total", { decision: "allow" })).toBe(2);
    expect(await read("weir_exchanges_total", { decision: "block" })).toBe(1);
    expect(await read("weir_exchanges_total", { decision: "error" })).toBe(0);
  });
});
