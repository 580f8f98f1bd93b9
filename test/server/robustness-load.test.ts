/**
 * Robustness under volume (issue 3 item 7), with the built-in signatures: 5,000 ext_proc streams
 * open at once over loopback, then all finished. Every stream ends OK, the `weir_active_streams`
 * gauge shows all 5,000 at the peak and returns to zero, and memory after a forced collection
 * stays within a bound that a per-stream leak would exceed (the figures are printed for the
 * closing note). Client resets at volume: robustness-resets.test.ts.
 */
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompiledEngine } from "../../src/inspect/engine.js";
import { wire } from "./messages.js";
import {
  builtInEngine,
  GROWTH_BOUND_MIB,
  memory,
  report,
  retainedMiB,
  startMetered,
} from "./robustness-support.js";

const CONCURRENT_STREAMS = 5_000;

let engine: CompiledEngine;
beforeAll(async () => {
  engine = await builtInEngine();
}, 60_000);
afterAll(() => engine?.retire());

const start = () => startMetered(engine);

const headers = (path: string) =>
  wire({
    requestHeaders: {
      headers: [
        [":method", "POST"],
        [":scheme", "https"],
        [":authority", "app.example.test"],
        [":path", path],
        ["content-type", "application/x-www-form-urlencoded"],
      ],
    },
    protocolConfig: { requestBodyMode: "STREAMED", responseBodyMode: "NONE" },
  });

describe("item 7: volume", () => {
  it(`${CONCURRENT_STREAMS} streams open at once, then all finished: gauge back to zero`, async () => {
    const { h, o } = await start();
    try {
      const before = memory();
      let client: grpc.Client | undefined = h.client();
      let streams = Array.from({ length: CONCURRENT_STREAMS }, (_, i) => {
        const s = h.open(client);
        s.write(headers(`/item/${i}?q=hello`));
        s.write(wire({ requestBody: { text: `name=user${i}&comment=fine` } }));
        return s;
      });
      // Every stream answered twice and still open: the gauge shows them all.
      await Promise.all(streams.map((s) => s.take(2)));
      const peakStreams = await o.activeStreams();
      const peak = memory();
      expect(peakStreams).toBe(CONCURRENT_STREAMS);
      await Promise.all(
        streams.map(async (s) => {
          s.write(wire({ requestBody: { text: "&end=1", endOfStream: true } }));
          await s.take(1);
          // Envoy's graceful close: a half-close, and weir ends the stream with OK.
          s.halfClose();
          expect((await s.status).code).toBe(grpc.status.OK);
        }),
      );
      await o.whenClosed(CONCURRENT_STREAMS);
      expect(await o.activeStreams()).toBe(0);
      expect(await o.streamErrorsByReason()).toEqual({});
      expect(Object.fromEntries(o.outcomes)).toEqual({ allow: CONCURRENT_STREAMS });
      // The test's own client side goes before the server's memory is read.
      streams = [];
      client.close();
      client = undefined;
      // Let the closed connection's sockets and timers go before measuring.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = memory();
      report(`${CONCURRENT_STREAMS} concurrent streams`, before, after, {
        streams: CONCURRENT_STREAMS,
        peak_active_streams: peakStreams,
        peak_rss_mib: peak.rssMiB,
        peak_heap_mib: peak.heapUsedMiB,
        errors: await o.streamErrorsByReason(),
      });
      expect(retainedMiB(after) - retainedMiB(before)).toBeLessThan(GROWTH_BOUND_MIB);
    } finally {
      h.close();
    }
  }, 60_000);
});
