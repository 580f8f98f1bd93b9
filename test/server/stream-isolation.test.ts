/**
 * A bad stream ends alone (DESIGN I6): undecodable bytes, an exception in the inspector, an
 * engine that cannot open an exchange, a message above the receive cap. Each ends its own stream
 * with a precise status while a stream on the same connection carries on, the inspector is
 * closed exactly once, and the observer sees one open and one close per stream.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import type { ProcessingResponse } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { InspectionEngine } from "../../src/inspect/types.js";
import { FakeEngine } from "../exchange/fake-engine.js";
import { summarize } from "../exchange/transcript.js";
import { Harness } from "./grpc-harness.js";
import { requestBody, streamedPostHeaders } from "./messages.js";

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

const kinds = (answers: ProcessingResponse[]) => answers.map((a) => summarize(a).kind);

/** A FakeEngine whose request inspector throws on a body containing BOOM. */
function throwingEngine(): FakeEngine {
  const engine = new FakeEngine();
  const open = engine.openExchange.bind(engine);
  engine.openExchange = () => {
    const exchange = open();
    const body = exchange.request.body.bind(exchange.request);
    exchange.request.body = (chunk: Uint8Array) => {
      if (Buffer.from(chunk).includes("BOOM")) throw new Error("scanner exploded");
      return body(chunk);
    };
    return exchange;
  };
  return engine;
}

describe("stream isolation", () => {
  it("ends a stream that sends undecodable bytes with INVALID_ARGUMENT while another stream on the same connection completes", async () => {
    harness = await Harness.start();
    const client = harness.client();
    const good = harness.open(client);
    const bad = harness.open(client);
    good.write(streamedPostHeaders("req-good"));
    expect(kinds(await good.take(1))).toEqual(["requestHeaders"]);

    bad.write(Uint8Array.from([0x12, 0x05, 0x01]));
    const badStatus = await bad.status;
    expect(badStatus.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(badStatus.details).toMatch(/^malformed ProcessingRequest: .+ \(3 bytes\)$/);

    good.write(requestBody({ text: "a=1", endOfStream: true }));
    expect(kinds(await good.take(1))).toEqual(["requestBody"]);
    good.halfClose();
    expect((await good.status).code).toBe(grpc.status.OK);

    await harness.observer.whenClosed(2);
    expect(harness.observer.errors).toEqual(["malformed_message"]);
    expect([...harness.observer.outcomes].sort()).toEqual(["allow", "error"]);
    expect(harness.engine.exchanges).toHaveLength(2);
    expect(harness.engine.notClosedOnce()).toEqual([]);
    expect(harness.logs.filter((l) => l.event === "ext_proc_stream_failed")).toMatchObject([
      { level: "warn", fields: { reason: "malformed_message", grpc_code: "INVALID_ARGUMENT" } },
    ]);
  });

  it("ends a stream whose inspector throws with INTERNAL, counts internal_error and logs it, without touching other streams", async () => {
    const engine = throwingEngine();
    harness = await Harness.start({ engine: () => engine });
    const client = harness.client();
    const good = harness.open(client);
    const bad = harness.open(client);
    good.write(streamedPostHeaders("req-fine"));
    bad.write(streamedPostHeaders("req-boom"));
    expect(kinds(await good.take(1))).toEqual(["requestHeaders"]);
    expect(kinds(await bad.take(1))).toEqual(["requestHeaders"]);

    bad.write(requestBody({ text: "x=BOOM" }));
    const status = await bad.status;
    expect(status.code).toBe(grpc.status.INTERNAL);
    expect(status.details).not.toContain("BOOM");

    good.write(requestBody({ text: "a=1", endOfStream: true }));
    expect(kinds(await good.take(1))).toEqual(["requestBody"]);
    good.halfClose();
    expect((await good.status).code).toBe(grpc.status.OK);

    await harness.observer.whenClosed(2);
    expect(harness.observer.errors).toEqual(["internal_error"]);
    expect(engine.exchanges).toHaveLength(2);
    expect(engine.notClosedOnce()).toEqual([]);
    const failure = harness.logs.find((l) => l.event === "ext_proc_stream_failed");
    expect(failure?.level).toBe("error");
    expect(failure?.fields).toMatchObject({ reason: "internal_error", request_id: "req-boom" });
    expect(String(failure?.fields.message)).toContain("scanner exploded");
  });

  it("survives a logger that throws while reporting a failing stream", async () => {
    const engine = throwingEngine();
    harness = await Harness.start({
      engine: () => engine,
      server: {
        log: () => {
          throw new Error("log sink is down");
        },
      },
    });
    const client = harness.client();
    const bad = harness.open(client);
    bad.write(streamedPostHeaders("req-boom"));
    await bad.take(1);
    bad.write(requestBody({ text: "BOOM" }));
    expect((await bad.status).code).toBe(grpc.status.INTERNAL);
    const next = harness.open(client);
    next.write(streamedPostHeaders("req-next"));
    expect(kinds(await next.take(1))).toEqual(["requestHeaders"]);
    await harness.observer.whenClosed(1);
    expect(harness.observer.errors).toEqual(["internal_error"]);
    expect(engine.exchanges[0]?.closes).toBe(1);
  });

  it("ends a stream with INTERNAL when the engine cannot open an exchange, and still opens and closes it once", async () => {
    const broken: InspectionEngine = {
      info: { hash: "broken", signatures: 0, compileSeconds: 0 },
      openExchange() {
        throw new Error("no database loaded");
      },
    };
    harness = await Harness.start({ engine: () => broken });
    const stream = harness.open();
    stream.write(streamedPostHeaders("req-no-engine"));
    expect((await stream.status).code).toBe(grpc.status.INTERNAL);
    await harness.observer.whenClosed(1);
    expect(harness.observer.opened).toBe(1);
    expect(harness.observer.errors).toEqual(["internal_error"]);
    expect(harness.observer.outcomes).toEqual(["error"]);
  });

  it("refuses a message above the configured receive cap with RESOURCE_EXHAUSTED and keeps serving", async () => {
    harness = await Harness.start({ server: { maxReceiveMessageBytes: 1024 * 1024 } });
    const client = harness.client();
    const big = harness.open(client);
    big.write(streamedPostHeaders("req-too-big"));
    expect(kinds(await big.take(1))).toEqual(["requestHeaders"]);
    big.write(requestBody({ fill: "z", bytes: 2 * 1024 * 1024 }));
    expect((await big.status).code).toBe(grpc.status.RESOURCE_EXHAUSTED);

    const next = harness.open(client);
    next.write(streamedPostHeaders("req-after"));
    expect(kinds(await next.take(1))).toEqual(["requestHeaders"]);
    next.halfClose();
    expect((await next.status).code).toBe(grpc.status.OK);
    await harness.observer.whenClosed(2);
    expect(harness.engine.notClosedOnce()).toEqual([]);
  });

  it("reads the engine once per stream, so a swapped engine serves only new streams", async () => {
    const first = new FakeEngine();
    const second = new FakeEngine();
    let current = first;
    harness = await Harness.start({ engine: () => current });
    const before = harness.open();
    before.write(streamedPostHeaders("req-before"));
    await before.take(1);
    current = second;
    const after = harness.open();
    after.write(streamedPostHeaders("req-after"));
    await after.take(1);
    before.write(requestBody({ text: "a=1", endOfStream: true }));
    await before.take(1);
    expect(first.exchanges).toHaveLength(1);
    expect(second.exchanges).toHaveLength(1);
    expect(first.exchanges[0]?.request.bytesSeen).toBe(3);
  });
});
