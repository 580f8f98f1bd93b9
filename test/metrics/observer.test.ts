import { describe, expect, it } from "vitest";
import type { Match } from "../../src/inspect/types.js";
import { createSecurityEventLog } from "../../src/log/security-events.js";
import { createMetrics } from "../../src/metrics/metrics.js";
import { MAX_ROUTES, MetricsObserver } from "../../src/metrics/observer.js";
import type { Decision } from "../../src/policy/decision.js";
import { testContext } from "../exchange/context.js";

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

  it("counts each hit once, with its outcome, when the exchange ends", async () => {
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
    const context = testContext();
    observer.decided("request", detect, context);
    observer.decided("request", block, context);
    const m = "weir_signature_matches_total";
    expect(await read(m, { signature_id: "942100", family: "sqli", outcome: "blocked" })).toBe(
      undefined,
    );
    observer.exchangeCompleted("block", {
      context,
      seconds: 0.001,
      hits: [
        { direction: "request", match: first, outcome: "blocked" },
        { direction: "request", match: second, outcome: "blocked" },
        { direction: "request", match: match(942101), outcome: "excluded" },
      ],
    });
    observer.exchangeCompleted("detect", {
      context,
      seconds: 0.001,
      hits: [{ direction: "response", match: match(942100), outcome: "detected" }],
    });
    expect(await read(m, { signature_id: "942100", family: "sqli", outcome: "blocked" })).toBe(1);
    expect(await read(m, { signature_id: "942100", family: "sqli", outcome: "detected" })).toBe(1);
    expect(await read(m, { signature_id: "941100", family: "xss", outcome: "blocked" })).toBe(1);
    expect(await read(m, { signature_id: "942101", family: "sqli", outcome: "excluded" })).toBe(1);
    const d = "weir_decisions_total";
    expect(await read(d, { direction: "request", decision: "detect", reason: "signature" })).toBe(
      1,
    );
    expect(await read(d, { direction: "request", decision: "block", reason: "signature" })).toBe(1);
  });

  it("labels a detect by the kind of finding behind it", async () => {
    const { observer, read } = setup();
    const limits: Decision = { kind: "detect", score: 0, matches: [match(900001, "limits")] };
    observer.decided("response", limits, testContext());
    observer.decided("response", { kind: "allow" }, testContext());
    const d = "weir_decisions_total";
    expect(await read(d, { direction: "response", decision: "detect", reason: "limits" })).toBe(1);
    expect(await read(d, { direction: "response", decision: "allow", reason: "none" })).toBe(1);
  });

  it("writes a security event for block and detect decisions and protocol violations", () => {
    const { observer, lines } = setup();
    observer.decided("request", { kind: "allow" }, testContext({ requestId: "r0" }));
    observer.decided(
      "request",
      { kind: "detect", score: 5, matches: [match(1)] },
      testContext({ requestId: "r1" }),
    );
    observer.streamError("client_cancelled", testContext());
    observer.streamError("unexpected_message", testContext({ requestId: "r2" }));
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { request_id: "r1", decision: "detect", route: "default" },
      { request_id: "r2", decision: "error", reason: "unexpected_message" },
    ]);
  });

  it("counts limits by name, and redactions per route", async () => {
    const { observer, read, lines } = setup();
    const context = testContext({ route: "uploads" });
    observer.exchangeCompleted("block", {
      context,
      seconds: 0,
      hits: [{ direction: "request", match: match(990007, "limits"), outcome: "blocked" }],
    });
    observer.redacted("response", { matches: [match(1)], maskedBytes: 16 }, context);
    expect(await read("weir_limits_total", { limit: "body_too_large" })).toBe(1);
    expect(await read("weir_limits_total", { limit: "inspection_limit" })).toBe(0);
    expect(await read("weir_redactions_total", { route: "uploads" })).toBe(1);
    expect(await read("weir_redactions_total", { route: "default" })).toBe(0);
    expect(lines.map((l) => (JSON.parse(l) as { decision: string }).decision)).toEqual(["redact"]);
  });

  it("observes the time weir added per exchange in its route's histogram", async () => {
    const { metrics, observer } = setup();
    observer.exchangeCompleted("allow", {
      context: testContext({ route: "api" }),
      seconds: 0.002,
      hits: [],
    });
    observer.exchangeCompleted("allow", {
      context: testContext({ route: "api" }),
      seconds: 0.00003,
      hits: [],
    });
    const h = "weir_exchange_duration_seconds";
    const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === h);
    const sample = (suffix: string, route: string, le?: number) =>
      metric?.values.find(
        (v) =>
          (v as { metricName?: string }).metricName === `${h}_${suffix}` &&
          v.labels.route === route &&
          (le === undefined || v.labels.le === le),
      )?.value;
    expect(sample("count", "api")).toBe(2);
    expect(sample("bucket", "api", 0.00005)).toBe(1);
    expect(sample("count", "default")).toBe(0);
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

  it("counts completed exchanges by route and outcome", async () => {
    const { observer, read } = setup();
    observer.exchangeCompleted("block");
    observer.exchangeCompleted("allow");
    observer.exchangeCompleted("allow", {
      context: testContext({ route: "api" }),
      seconds: 0,
      hits: [],
    });
    const e = "weir_exchanges_total";
    expect(await read(e, { route: "default", decision: "allow" })).toBe(1);
    expect(await read(e, { route: "default", decision: "block" })).toBe(1);
    expect(await read(e, { route: "api", decision: "allow" })).toBe(1);
    expect(await read(e, { route: "api", decision: "error" })).toBe(0);
  });

  it("starts declared routes at zero and caps the number of route labels", async () => {
    const { observer, read } = setup();
    observer.declareRoutes(["static"]);
    expect(await read("weir_exchanges_total", { route: "static", decision: "block" })).toBe(0);
    const many = Array.from({ length: MAX_ROUTES + 10 }, (_, i) => `r${i}`);
    observer.declareRoutes(many);
    observer.exchangeCompleted("allow", {
      context: testContext({ route: `r${MAX_ROUTES + 5}` }),
      seconds: 0,
      hits: [],
    });
    expect(await read("weir_exchanges_total", { route: "other", decision: "allow" })).toBe(1);
  });
});
