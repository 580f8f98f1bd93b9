/**
 * Body bytes in flight and their ceiling (issue 3, shared case 51, scaled down to fit a unit
 * test run): a message whose inspection has not answered holds its bytes, which
 * `weir_inflight_body_bytes` shows; above `maxInflightBodyBytes` a new stream gets a 503
 * ImmediateResponse (limits, finding 990040) while the streams in flight finish, and once they
 * did the gauge is back to zero and new streams are served. Then parallel FULL_DUPLEX_STREAMED
 * uploads with the built-in signatures: the bytes in flight stay bounded by the messages being
 * inspected, not by the size of the bodies.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { INFLIGHT_CEILING_ID } from "../../src/server/overload.js";
import { postHeaders } from "../simulator/helpers.js";
import { runExchange } from "../simulator/simulator.js";
import { asyncBodyEngine } from "./async-engine.js";
import { Harness } from "./grpc-harness.js";
import { wire } from "./messages.js";
import { builtInEngine, MeteredObserver, memory, report } from "./robustness-support.js";

const MiB = 1024 * 1024;

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

const uploadHeaders = wire({
  requestHeaders: {
    headers: [
      [":method", "POST"],
      [":path", "/upload"],
      ["content-type", "application/octet-stream"],
    ],
  },
  protocolConfig: { requestBodyMode: "FULL_DUPLEX_STREAMED", responseBodyMode: "NONE" },
});

async function inflightGauge(o: MeteredObserver): Promise<number> {
  return (await o.metrics.inflightBodyBytes.get()).values[0]?.value ?? 0;
}

describe("the in-flight ceiling", () => {
  it("refuses new streams with 503 while held bytes are above it, serves them again after", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const engine = asyncBodyEngine({ gate });
    const o = new MeteredObserver();
    const h = await Harness.start({
      engine: () => engine,
      server: { observer: o, limits: o, maxInflightBodyBytes: 4 * MiB },
    });
    harness = h;
    const client = h.client();

    // Three uploads whose first 2 MiB message is held by inspection: 6 MiB in flight.
    const held = Array.from({ length: 3 }, () => {
      const s = h.open(client);
      s.write(uploadHeaders);
      s.write(wire({ requestBody: { fill: "A", bytes: 2 * MiB, endOfStream: true } }));
      return s;
    });
    await Promise.all(held.map((s) => s.take(1)));
    while ((await inflightGauge(o)) < 6 * MiB) await new Promise((r) => setTimeout(r, 5));
    expect(await inflightGauge(o)).toBe(6 * MiB);

    // A new exchange, through the simulator: a clear 503 from weir, whatever Envoy's policy.
    for (const failureModeAllow of [false, true]) {
      const refused = await runExchange(
        { address: h.target },
        { requestHeaders: postHeaders(), requestChunks: [], requestTrailers: null },
        { failureModeAllow, messageTimeoutMs: 10_000 },
      );
      expect(refused.verdict).toBe("error");
      expect(refused.localReply?.status).toBe(503);
      expect(refused.localReply?.cause).toBe("immediate_response");
      expect(refused.localReply?.details).toBe("weir_blocked_limits");
      expect(refused.dynamicMetadata.weir).toMatchObject({
        families: ["limits"],
        signature_ids: [INFLIGHT_CEILING_ID],
      });
    }
    expect(await o.streamErrorsByReason()).toEqual({ resource_exhausted: 2 });

    // The streams in flight finish; the gauge goes back to zero; new streams are served.
    open();
    await Promise.all(
      held.map(async (s) => {
        await s.take(2);
        s.halfClose();
        expect((await s.status).code).toBe(grpc.status.OK);
      }),
    );
    await o.whenClosed(5);
    expect(await inflightGauge(o)).toBe(0);
    expect(await o.activeStreams()).toBe(0);
    const served = await runExchange(
      { address: h.target },
      { requestHeaders: postHeaders(), requestChunks: [], requestTrailers: null },
      { messageTimeoutMs: 10_000 },
    );
    expect(served.verdict).toBe("allow");
  });

  it("parallel FULL_DUPLEX_STREAMED uploads: bytes in flight bounded by the messages inspected, not the bodies", async () => {
    const uploads = 8;
    const chunks = 16;
    const engine = await builtInEngine();
    const o = new MeteredObserver();
    const h = await Harness.start({ engine: () => engine, server: { observer: o, limits: o } });
    harness = h;
    try {
      const before = memory();
      const chunk = Buffer.alloc(MiB, "A");
      const outcomes = await Promise.all(
        Array.from({ length: uploads }, () =>
          runExchange(
            { address: h.target },
            {
              requestHeaders: postHeaders().map(([k, v]): [string, string] => [
                k,
                k === "content-type" ? "application/octet-stream" : v,
              ]),
              requestChunks: Array.from({ length: chunks }, () => chunk),
              requestTrailers: null,
            },
            {
              requestBodyMode: "FULL_DUPLEX_STREAMED",
              extProc: { processingMode: { requestTrailerMode: "SEND" } },
              deadlineMs: 60_000,
            },
          ),
        ),
      );
      for (const outcome of outcomes) {
        expect(outcome.verdict).toBe("allow");
        expect(outcome.request.body.byteLength).toBe(chunks * MiB);
      }
      await o.whenClosed(uploads);
      expect(await inflightGauge(o)).toBe(0);
      outcomes.length = 0;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = memory();
      report(`${uploads} parallel ${chunks} MiB FULL_DUPLEX uploads`, before, after, {
        inflight_peak_mib: Math.round((o.inflightPeak / MiB) * 10) / 10,
        body_total_mib: uploads * chunks,
      });
      // Each stream holds at most the message being inspected and the one queued behind it.
      expect(o.inflightPeak).toBeLessThanOrEqual(uploads * 2 * MiB);
    } finally {
      engine.retire();
    }
  }, 120_000);
});
