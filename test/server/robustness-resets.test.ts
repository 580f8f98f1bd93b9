/**
 * Client resets at volume (issue 3 item 7, shared case 54), with the built-in signatures: 10,000
 * times in each direction, the client goes away (RST_STREAM) after the first body chunk was
 * answered and Envoy cancels the gRPC stream. Every stream is counted once as client_cancelled,
 * nothing is logged as an error, the `weir_active_streams` gauge returns to zero, and memory
 * after a forced collection stays within a bound that a per-stream leak would exceed (figures
 * printed for the closing note). Connections are renewed every 500 streams, below the burst of
 * 1,000 resets after which Node's HTTP/2 layer closes a connection (README, known limitations).
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

const RESETS = 10_000;
/** Streams per connection: below Node's burst allowance of 1,000 resets. */
const RESETS_PER_CONNECTION = 500;
/** Resets in flight at once. */
const RESET_PARALLELISM = 100;

let engine: CompiledEngine;
beforeAll(async () => {
  engine = await builtInEngine();
}, 60_000);
afterAll(() => engine?.retire());

const start = () => startMetered(engine);

/** The case's headers: an upload (STREAMED) or a download (response body STREAMED). */
const headers = (direction: "request" | "response") =>
  wire({
    requestHeaders: {
      headers: [
        [":method", direction === "request" ? "POST" : "GET"],
        [":scheme", "https"],
        [":authority", "app.example.test"],
        [":path", direction === "request" ? "/upload" : "/download"],
        ...(direction === "request"
          ? ([["content-type", "application/octet-stream"]] as [string, string][])
          : []),
      ],
      endOfStream: direction === "response",
    },
    protocolConfig: {
      requestBodyMode: direction === "request" ? "STREAMED" : "NONE",
      responseBodyMode: "STREAMED",
    },
  });

/** Runs `work` for 0..count-1 with at most `limit` in flight. */
async function pool(count: number, limit: number, work: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe("item 7: client resets", () => {
  for (const direction of ["request", "response"] as const) {
    it(`${RESETS} client resets after the first ${direction} body chunk: counted client_cancelled, nothing kept`, async () => {
      const { h, o } = await start();
      try {
        const chunk = "A".repeat(16 * 1024);
        const before = memory();
        const clients = [h.client()];
        let client = clients[0] as grpc.Client;
        await pool(RESETS, RESET_PARALLELISM, async (i) => {
          if (i > 0 && i % RESETS_PER_CONNECTION === 0) {
            client = h.client();
            clients.push(client);
          }
          const s = h.open(client);
          if (direction === "request") {
            s.write(headers("request"));
            s.write(wire({ requestBody: { text: chunk } }));
          } else {
            s.write(headers("response"));
            s.write(
              wire({
                responseHeaders: {
                  headers: [
                    [":status", "200"],
                    ["content-type", "application/octet-stream"],
                  ],
                },
              }),
            );
            s.write(wire({ responseBody: { text: chunk } }));
          }
          await s.take(direction === "request" ? 2 : 3);
          // The client's RST_STREAM: Envoy cancels the gRPC stream.
          s.cancel();
          expect((await s.status).code).toBe(grpc.status.CANCELLED);
        });
        await o.whenClosed(RESETS);
        expect(await o.activeStreams()).toBe(0);
        expect(await o.streamErrorsByReason()).toEqual({ client_cancelled: RESETS });
        expect(h.logs.filter((l) => l.level === "error")).toEqual([]);
        for (const c of clients) c.close();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const after = memory();
        report(`${RESETS} resets mid ${direction} body`, before, after, {
          streams: RESETS,
          errors: await o.streamErrorsByReason(),
        });
        expect(retainedMiB(after) - retainedMiB(before)).toBeLessThan(GROWTH_BOUND_MIB);
      } finally {
        h.close();
      }
    }, 120_000);
  }
});
