/**
 * Robustness (issue 3 item 7): how streams end. Envoy's normal close (a half-close followed at
 * once by a reset), a client that cancels mid-body, a message above the receive cap, and the
 * spurious, malformed and late messages of test/fixtures/robustness/stream-endings.json, each on
 * many streams at once over one connection. Every stream ends with its precise gRPC status and
 * counted reason; the `weir_active_streams` gauge returns to zero, every inspector is closed
 * exactly once, and the server keeps serving. Memory before and after each is printed.
 */
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { FakeEngine } from "../exchange/fake-engine.js";
import type { SendSpec } from "../exchange/transcript.js";
import { Harness, type ProcessStream } from "./grpc-harness.js";
import { requestBody, streamedPostHeaders, wire } from "./messages.js";
import { MeteredObserver, memory, report } from "./robustness-support.js";

interface EndingCase {
  readonly name: string;
  readonly send: readonly SendSpec[];
  readonly raw?: string;
  readonly answers: number;
  readonly status: keyof typeof grpc.status;
  readonly reason: string | null;
  readonly anomaly?: string;
}

const { cases } = JSON.parse(
  readFileSync(new URL("../fixtures/robustness/stream-endings.json", import.meta.url), "utf8"),
) as { cases: EndingCase[] };

/** Streams per case, all open at once on one connection. */
const STREAMS = 200;

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

async function start(
  server: Parameters<typeof Harness.start>[0] = {},
): Promise<{ h: Harness; o: MeteredObserver; engine: FakeEngine }> {
  const o = new MeteredObserver();
  const engine = new FakeEngine();
  const h = await Harness.start({
    engine: () => engine,
    ...server,
    server: { observer: o, limits: o, ...server.server },
  });
  harness = h;
  return { h, o, engine };
}

/** A normal exchange still works on the same connection. */
async function stillServing(h: Harness, client: grpc.Client): Promise<void> {
  const s = h.open(client);
  s.write(streamedPostHeaders("req-after"));
  s.write(requestBody({ text: "a=1", endOfStream: true }));
  expect((await s.take(2)).map((a) => a.response.case)).toEqual(["requestHeaders", "requestBody"]);
  s.halfClose();
  expect((await s.status).code).toBe(grpc.status.OK);
}

async function settled(o: MeteredObserver, streams: number, engine: FakeEngine): Promise<void> {
  await o.whenClosed(streams);
  expect(await o.activeStreams(), "weir_active_streams").toBe(0);
  expect(engine.notClosedOnce(), "inspectors closed exactly once").toEqual([]);
}

describe("item 7: Envoy's close and client cancellation", () => {
  it(`a half-close followed at once by a reset (Envoy's normal close) is a normal end (${STREAMS} streams)`, async () => {
    const { h, o, engine } = await start();
    const before = memory();
    const client = h.client();
    const codes = await Promise.all(
      Array.from({ length: STREAMS }, async (_, i) => {
        const s = h.open(client);
        s.write(streamedPostHeaders(`req-close-${i}`));
        s.write(requestBody({ text: "a=1", endOfStream: true }));
        await s.take(2);
        s.halfClose();
        s.cancel();
        return (await s.status).code;
      }),
    );
    // The client sees OK when weir's answer to the half-close won the race, else CANCELLED.
    expect(codes.every((c) => c === grpc.status.OK || c === grpc.status.CANCELLED)).toBe(true);
    await settled(o, STREAMS, engine);
    expect(o.errors).toEqual([]);
    expect(Object.fromEntries(o.outcomes)).toEqual({ allow: STREAMS });
    await stillServing(h, client);
    report("half-close then reset", before, memory(), {
      streams: STREAMS,
      errors: await o.streamErrorsByReason(),
    });
  });

  it(`a client that cancels mid-body is counted as client_cancelled (${STREAMS} streams)`, async () => {
    const { h, o, engine } = await start();
    const before = memory();
    const client = h.client();
    await Promise.all(
      Array.from({ length: STREAMS }, async (_, i) => {
        const s = h.open(client);
        s.write(streamedPostHeaders(`req-cancel-${i}`));
        s.write(requestBody({ text: "a=1&b=" }));
        await s.take(2);
        s.cancel();
        expect((await s.status).code).toBe(grpc.status.CANCELLED);
      }),
    );
    await settled(o, STREAMS, engine);
    expect(await o.streamErrorsByReason()).toEqual({ client_cancelled: STREAMS });
    await stillServing(h, client);
    report("client cancel mid-body", before, memory(), {
      streams: STREAMS,
      errors: await o.streamErrorsByReason(),
    });
  });

  it("a message above the receive cap ends its stream with RESOURCE_EXHAUSTED, counted", async () => {
    const { h, o, engine } = await start({ server: { maxReceiveMessageBytes: 1024 * 1024 } });
    const client = h.client();
    const s = h.open(client);
    s.write(streamedPostHeaders("req-too-big"));
    await s.take(1);
    s.write(requestBody({ fill: "z", bytes: 2 * 1024 * 1024 }));
    expect((await s.status).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    await settled(o, 1, engine);
    expect(await o.streamErrorsByReason()).toEqual({ resource_exhausted: 1 });
    await stillServing(h, client);
  });
});

describe("item 7: spurious, malformed and late messages", () => {
  for (const c of cases) {
    it(`${c.name}: ${c.status}${c.reason === null ? "" : ` (${c.reason})`} on ${STREAMS} streams`, async () => {
      const { h, o, engine } = await start();
      const before = memory();
      const client = h.client();
      await Promise.all(
        Array.from({ length: STREAMS }, async () => {
          const s: ProcessStream = h.open(client);
          for (const message of c.send) s.write(wire(message));
          if (c.raw !== undefined) s.write(Buffer.from(c.raw, "base64"));
          await s.take(c.answers);
          if (c.status === "OK") s.halfClose();
          const status = await s.status;
          expect(grpc.status[status.code]).toBe(c.status);
          expect(s.unread).toBe(0);
        }),
      );
      await settled(o, STREAMS, engine);
      const errors = await o.streamErrorsByReason();
      expect(errors).toEqual(c.reason === null ? {} : { [c.reason]: STREAMS });
      expect(o.anomalies).toEqual(
        c.anomaly === undefined ? [] : Array.from({ length: STREAMS }, () => c.anomaly),
      );
      await stillServing(h, client);
      report(c.name, before, memory(), { streams: STREAMS, errors });
    });
  }
});
