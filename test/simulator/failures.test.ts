import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { afterEach, describe, expect, it } from "vitest";
import { ExtProcClient } from "../../src/envoy/index.js";
import { ProcessingResponseSchema } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { type FakeProcessor, type Script, startFakeProcessor } from "./fake-processor.js";
import { bytes, kinds, PATIENT_MS, patient, postHeaders, text } from "./helpers.js";
import { continueFor, emptyResponse, streamedBody, wrongKindFor } from "./responses.js";
import { ExchangeRecorder, runExchange, type SimConfig, type SimExchange } from "./simulator.js";

let fake: FakeProcessor | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const post: SimExchange = {
  requestHeaders: postHeaders(),
  requestChunks: [bytes("first"), bytes("-second")],
  requestTrailers: null,
};

/** Answers the headers, then nothing more. */
const silentAfterHeaders: Script = (request, { index }) =>
  index === 0 ? [{ send: continueFor(request) }] : [];

/** Runs `exchange` on a connected channel, so timers measure the processor, not the connect. */
async function run(script: Script, config: SimConfig = {}, exchange: SimExchange = post) {
  fake = await startFakeProcessor(script);
  const client = new ExtProcClient(fake.address);
  try {
    await client.ready();
    return await runExchange({ client }, exchange, patient(config));
  } finally {
    client.close();
  }
}

const silent: Script = () => [];

describe("message timeout (§2.J)", () => {
  it("fails closed with 504 and closes the stream", async () => {
    const outcome = await run(silent, { messageTimeoutMs: 50 });
    expect(outcome.verdict).toBe("error");
    expect(outcome.status).toBe(504);
    expect(outcome.localReply?.details).toBe("ext_proc_error_per-message_timeout_exceeded");
    expect(outcome.localReply?.cause).toBe("message_timeout");
    expect(outcome.request.headers).toBeNull();
    expect(outcome.request.chunks).toEqual([]);
    const call = await fake?.call(0);
    await call?.done;
    expect(call?.events).toContain("cancelled");
  });

  it("answers 500 on Envoy before 1.31", async () => {
    const outcome = await run(silentAfterHeaders, { messageTimeoutMs: 50, envoyVersion: "1.30" });
    expect(outcome.status).toBe(500);
  });

  it("with failure_mode_allow releases held data unmodified and stops consulting", async () => {
    const outcome = await run(silentAfterHeaders, { messageTimeoutMs: 50, failureModeAllow: true });
    expect(outcome.verdict).toBe("allow");
    expect(outcome.failedOpen).toEqual(["message timeout"]);
    expect(text(outcome.request.body)).toBe("first-second");
    expect(outcome.request.ended).toBe(true);
  });

  it("stops on each reply, so a later outstanding chunk is not timed (§2.J-1 inference)", async () => {
    fake = await startFakeProcessor((request, { index }) =>
      index === 2 ? [] : [{ send: continueFor(request) }],
    );
    const client = new ExtProcClient(fake.address, {
      messageTimeoutMs: PATIENT_MS,
      processingMode: { requestBodyMode: "STREAMED" },
    });
    const recorder = new ExchangeRecorder(10_000);
    const ex = client.exchange(recorder.callbacks(), { observer: (e) => recorder.record(e) });
    try {
      ex.decodeHeaders(postHeaders(), false);
      await recorder.until(() => recorder.request.headers !== null);
      // Both chunks go out before any reply; each send re-arms the timer.
      ex.decodeData(bytes("first"), false);
      ex.decodeData(bytes("-second"), true);
      expect(ex.request.timer.enabled).toBe(true);
      await recorder.until(() => recorder.request.chunks.length === 1);
      // The reply to the first chunk stopped it: the second chunk is outstanding, untimed.
      expect(ex.request.queue.bytes).toBe("-second".length);
      expect(ex.request.timer.enabled).toBe(false);
    } finally {
      ex.destroy();
      client.close();
    }
  });

  it("is extended once by override_message_timeout within max_message_timeout", async () => {
    const extend = create(ProcessingResponseSchema, {
      overrideMessageTimeout: create(DurationSchema, { seconds: 5n }),
    });
    const outcome = await run(
      (request, { index }) =>
        index === 0
          ? [{ send: extend }, { delayMs: 600 }, { send: continueFor(request) }]
          : [{ send: continueFor(request) }],
      { messageTimeoutMs: 200, extProc: { maxMessageTimeoutMs: 10_000 } },
    );
    expect(outcome.verdict).toBe("allow");
    expect(
      outcome.transcript.some(
        (t) => t.event.kind === "received" && t.event.handling === "timeout_extended",
      ),
    ).toBe(true);
  });

  it("ignores override_message_timeout above max_message_timeout", async () => {
    const extend = create(ProcessingResponseSchema, {
      overrideMessageTimeout: create(DurationSchema, { seconds: 5n }),
    });
    const outcome = await run(
      (request, { index }) =>
        index === 0
          ? [{ send: extend }, { delayMs: 600 }, { send: continueFor(request) }]
          : [{ send: continueFor(request) }],
      { messageTimeoutMs: 200, extProc: { maxMessageTimeoutMs: 1000 } },
    );
    expect(outcome.status).toBe(504);
  });
});

describe("spurious messages (§2.D-2)", () => {
  const wrongKindOnHeaders: Script = (request, { index }) =>
    index === 0 ? [{ send: wrongKindFor(request) }] : [{ send: continueFor(request) }];

  it("fail closed with 500 when the guard is on (1.35+)", async () => {
    const outcome = await run(wrongKindOnHeaders);
    expect(outcome.status).toBe(500);
    expect(outcome.localReply?.cause).toBe("spurious_message");
    expect(outcome.request.headers).toBeNull();
    const received = outcome.transcript.find((t) => t.event.kind === "received")?.event;
    expect(received).toMatchObject({ handling: "spurious" });
  });

  it("are ignored and traffic passes unmodified with the guard off", async () => {
    const outcome = await run(wrongKindOnHeaders, {
      switches: { failCloseSpuriousResponse: false },
    });
    expect(outcome.verdict).toBe("allow");
    expect(outcome.failedOpen).toHaveLength(1);
    expect(text(outcome.request.body)).toBe("first-second");
    // Only the headers message was ever sent: the server is not consulted any more.
    expect(kinds(outcome.sent)).toEqual(["requestHeaders"]);
  });

  it("pass traffic through with failure_mode_allow", async () => {
    const outcome = await run(wrongKindOnHeaders, { failureModeAllow: true });
    expect(outcome.verdict).toBe("allow");
    expect(text(outcome.request.body)).toBe("first-second");
  });

  it("include an empty response oneof", async () => {
    const outcome = await run((request, { index }) =>
      index === 1 ? [{ send: emptyResponse() }] : [{ send: continueFor(request) }],
    );
    expect(outcome.status).toBe(500);
  });

  it("include a streamed_response outside FULL_DUPLEX_STREAMED", async () => {
    const outcome = await run((request, { index }) =>
      index === 1
        ? [{ send: continueFor(request, { bodyMutation: streamedBody("x", false) }) }]
        : [{ send: continueFor(request) }],
    );
    expect(outcome.status).toBe(500);
    expect(outcome.request.chunks).toEqual([]);
  });
});

describe("gRPC stream errors (§2.K)", () => {
  const unavailable: Script = () => [{ end: { code: 14, details: "backend gone" } }];

  it("fail closed with status_on_error and the gRPC code in the details", async () => {
    const outcome = await run(unavailable, { extProc: { statusOnError: 503 } });
    expect(outcome.status).toBe(503);
    expect(outcome.localReply?.details).toBe("ext_proc_error_gRPC_error_14{backend_gone}");
  });

  it("pass traffic through with failure_mode_allow", async () => {
    const outcome = await run(unavailable, { failureModeAllow: true });
    expect(outcome.verdict).toBe("allow");
    expect(text(outcome.request.body)).toBe("first-second");
  });

  it("a clean close by the server lets the rest through unmodified", async () => {
    const outcome = await run((request, { index }) =>
      index === 0 ? [{ send: continueFor(request) }, { end: { code: 0 } }] : [],
    );
    expect(outcome.verdict).toBe("allow");
    expect(outcome.failedOpen).toEqual(["server closed the stream"]);
    expect(text(outcome.request.body)).toBe("first-second");
  });
});
