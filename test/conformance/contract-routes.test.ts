/**
 * Conformance, contract §2.L (mode_override) and §2.C C6 (redaction in FULL_DUPLEX_STREAMED):
 * what weir sends when a route policy wants other body modes than Envoy's configured ones, and
 * when a response body holds data to redact. The REAL weir (built-in signatures, leakage
 * included) through the Envoy simulator, which honours or ignores an override as Envoy does
 * (allow_mode_override, allowed_override_modes). Each test names its rule and setting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";
import { type PolicySet, routePolicyOf } from "../../src/policy/route-policy.js";
import { Harness } from "../server/grpc-harness.js";
import { bytes, getHeaders, kinds, patient, text } from "../simulator/helpers.js";
import { runExchange, type SimConfig, type SimExchange } from "../simulator/simulator.js";
import { expectConformant } from "./checks.js";
import { startWeirUnderTest, type WeirUnderTest } from "./weir-under-test.js";

let weir: WeirUnderTest;
let routed: Harness;

/** Responses under /static/ are not inspected: the route asks Envoy for no response body. */
const POLICIES: PolicySet = {
  routes: [
    {
      match: { pathPrefix: "/static/" },
      policy: routePolicyOf(DEFAULT_POLICY, { name: "static", bodyModes: { response: "none" } }),
    },
  ],
  fallback: routePolicyOf(DEFAULT_POLICY),
};

beforeAll(async () => {
  weir = await startWeirUnderTest();
  routed = await Harness.start({ engine: () => weir.engine, policies: POLICIES });
}, 60_000);
afterAll(() => {
  routed?.close();
  weir?.stop();
});

const download = (path: string): SimExchange => ({
  requestHeaders: getHeaders().map(([k, v]): [string, string] => [k, k === ":path" ? path : v]),
  requestChunks: [],
  requestTrailers: null,
  responseHeaders: [
    [":status", "200"],
    ["content-type", "text/css"],
  ],
  responseChunks: [bytes("body{}"), bytes("p{}")],
  responseTrailers: null,
});

const run = (ex: SimExchange, config: SimConfig) =>
  runExchange({ address: routed.target }, ex, patient({ responseBodyMode: "STREAMED", ...config }));

describe("2.L mode_override from a route policy", () => {
  it("L1 with allow_mode_override, the route's wish holds: no response body reaches weir", async () => {
    const o = await run(download("/static/site.css"), { extProc: { allowModeOverride: true } });
    expectConformant(o, false, { modeOverride: true });
    expect(o.received[0]?.modeOverride).toBeDefined();
    expect(kinds(o.sent)).not.toContain("responseBody");
    expect(o.response !== null && text(o.response.body)).toBe("body{}p{}");
  });

  it("L1 without allow_mode_override (or before 1.27 defaults), Envoy ignores it silently and weir still answers every body", async () => {
    const o = await run(download("/static/site.css"), { extProc: { allowModeOverride: false } });
    expectConformant(o, false, { modeOverride: true });
    expect(kinds(o.sent).filter((k) => k === "responseBody")).toHaveLength(2);
    expect(o.verdict).toBe("allow");
  });

  for (const listed of [true, false]) {
    it(`L3 allowed_override_modes ${listed ? "lists" : "does not list"} weir's override: ${listed ? "honoured" : "ignored, and weir copes"}`, async () => {
      const entry = listed
        ? { requestBodyMode: "STREAMED" as const, responseBodyMode: "NONE" as const }
        : { requestBodyMode: "BUFFERED" as const, responseBodyMode: "NONE" as const };
      const o = await run(download("/static/site.css"), {
        extProc: { allowModeOverride: true, allowedOverrideModes: [entry] },
      });
      expectConformant(o, false, { modeOverride: true });
      const responseBodies = kinds(o.sent).filter((k) => k === "responseBody").length;
      expect(responseBodies).toBe(listed ? 0 : 2);
    });
  }

  it("L1 routes without body modes get no mode_override", async () => {
    const o = await run(download("/app/page"), { extProc: { allowModeOverride: true } });
    expectConformant(o);
    expect(kinds(o.sent).filter((k) => k === "responseBody")).toHaveLength(2);
  });

  it("L1 never with FULL_DUPLEX_STREAMED configured (Envoy would ignore it)", async () => {
    const o = await run(download("/static/site.css"), {
      responseBodyMode: "FULL_DUPLEX_STREAMED",
      extProc: { allowModeOverride: true },
    });
    expectConformant(o, true);
    expect(o.received.every((r) => r.modeOverride === undefined)).toBe(true);
  });
});

describe("2.C C6 redaction in FULL_DUPLEX_STREAMED", () => {
  const BODY = '{"pan":"4111 1111 1111 1111","key":"AKIAIOSFODNN7EXAMPLE","note":"ok"}';

  it("C6 the client receives only what weir streams back: the matches masked, ≤64 KiB pieces, eos once", async () => {
    const ex: SimExchange = {
      requestHeaders: getHeaders(),
      requestChunks: [],
      requestTrailers: null,
      responseHeaders: [
        [":status", "200"],
        ["content-type", "application/json"],
      ],
      responseChunks: [bytes(BODY.slice(0, 20)), bytes(BODY.slice(20))],
      responseTrailers: null,
    };
    const o = await runExchange(
      { client: weir.client.enforce },
      ex,
      patient({ requestBodyMode: "NONE", responseBodyMode: "FULL_DUPLEX_STREAMED" }),
    );
    expectConformant(o, true);
    const received = text(o.response?.body ?? new Uint8Array());
    expect(received).toHaveLength(BODY.length);
    expect(received).not.toContain("4111 1111");
    expect(received).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expect(received).toContain('"note":"ok"');
    const pieces = o.received.flatMap((r) => {
      const m =
        r.response.case === "responseBody"
          ? r.response.value.response?.bodyMutation?.mutation
          : undefined;
      return m?.case === "streamedResponse" ? [m.value] : [];
    });
    expect(pieces.every((p) => p.body.byteLength <= 64 * 1024)).toBe(true);
    expect(pieces.filter((p) => p.endOfStream)).toHaveLength(1);
  });
});
