import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { ExtProcClient, getHeader } from "../../src/envoy/index.js";
import {
  ProcessingMode_BodySendMode,
  ProcessingModeSchema,
} from "../../src/gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";
import { type FakeProcessor, startFakeProcessor } from "./fake-processor.js";
import {
  bodyOf,
  bytes,
  getHeaders,
  kinds,
  PATIENT_MS,
  patient,
  postHeaders,
  text,
} from "./helpers.js";
import { continueFor, headerMutation, replaceBody } from "./responses.js";
import { ExchangeRecorder, runExchange } from "./simulator.js";

let fake: FakeProcessor | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe("CONTINUE_AND_REPLACE (§2.G)", () => {
  it("replaces the body, drops content-length and sends nothing more in that direction", async () => {
    fake = await startFakeProcessor((request) => [
      {
        send: continueFor(request, {
          replace: true,
          bodyMutation: replaceBody("replacement"),
          headerMutation: headerMutation([{ key: ":method", value: "PUT" }]),
        }),
      },
    ]);
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders([["content-length", "8"]]),
        requestChunks: [bytes("original")],
        requestTrailers: null,
      },
      patient({ requestBodyMode: "BUFFERED" }),
    );
    expect(kinds(outcome.sent)).toEqual(["requestHeaders"]);
    expect(getHeader(outcome.request.headers ?? [], ":method")).toBe("PUT");
    expect(outcome.request.headers?.some(([k]) => k === "content-length")).toBe(false);
    expect(text(outcome.request.body)).toBe("replacement");
  });

  it("creates a body for a GET", async () => {
    fake = await startFakeProcessor((request) => [
      { send: continueFor(request, { replace: true, bodyMutation: replaceBody("made up") }) },
    ]);
    const outcome = await runExchange(
      { address: fake.address },
      { requestHeaders: getHeaders(), requestChunks: [], requestTrailers: null },
      patient(),
    );
    expect(text(outcome.request.body)).toBe("made up");
    expect(outcome.request.ended).toBe(true);
  });
});

describe("mode_override (§2.L)", () => {
  const toBuffered = (request: Parameters<typeof continueFor>[0]) => {
    const response = continueFor(request);
    response.modeOverride = create(ProcessingModeSchema, {
      requestBodyMode: ProcessingMode_BodySendMode.BUFFERED,
    });
    return response;
  };

  it("switches the body mode when allow_mode_override is on", async () => {
    fake = await startFakeProcessor((request, { index }) =>
      index === 0 ? [{ send: toBuffered(request) }] : [{ send: continueFor(request) }],
    );
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders(),
        requestChunks: [bytes("a"), bytes("b")],
        requestTrailers: null,
      },
      patient({ extProc: { allowModeOverride: true } }),
    );
    expect(kinds(outcome.sent)).toEqual(["requestHeaders", "requestBody"]);
    expect(bodyOf(outcome.sent[1])).toEqual({ body: "ab", endOfStream: true });
  });

  it("is ignored without allow_mode_override", async () => {
    fake = await startFakeProcessor((request, { index }) =>
      index === 0 ? [{ send: toBuffered(request) }] : [{ send: continueFor(request) }],
    );
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders(),
        requestChunks: [bytes("a"), bytes("b")],
        requestTrailers: null,
      },
      patient(),
    );
    expect(kinds(outcome.sent)).toEqual(["requestHeaders", "requestBody", "requestBody"]);
  });
});

describe("synthetic trailers before Envoy 1.28", () => {
  const exchange = {
    requestHeaders: postHeaders(),
    requestChunks: [bytes("a")],
    requestTrailers: null,
  };
  const trailersOn = { processingMode: { requestTrailerMode: "SEND" as const } };

  it("are not invented by current Envoy", async () => {
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      exchange,
      patient({ extProc: trailersOn }),
    );
    expect(kinds(outcome.sent)).toEqual(["requestHeaders", "requestBody"]);
  });

  it("follow a body without trailers with the switch off", async () => {
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      exchange,
      patient({
        extProc: trailersOn,
        switches: { noSyntheticTrailers: false },
      }),
    );
    expect(kinds(outcome.sent)).toEqual(["requestHeaders", "requestBody", "requestTrailers"]);
    expect(outcome.request.trailers).toEqual([]);
  });
});

describe("watermarks", () => {
  it("ask the source to pause while unanswered data is over the buffer limit, then resume", async () => {
    fake = await startFakeProcessor((request, { index }) =>
      index === 1
        ? [{ waitForMessages: 3 }, { send: continueFor(request) }]
        : [{ send: continueFor(request) }],
    );
    const client = new ExtProcClient(fake.address, {
      messageTimeoutMs: PATIENT_MS,
      processingMode: { requestBodyMode: "STREAMED" },
      bufferLimitBytes: 4,
    });
    const recorder = new ExchangeRecorder(10_000);
    const watermarks: boolean[] = [];
    const callbacks = recorder.callbacks();
    const ex = client.exchange(
      {
        ...callbacks,
        upstream: { ...callbacks.upstream, watermark: (above) => watermarks.push(above) },
      },
      { observer: (e) => recorder.record(e) },
    );
    try {
      ex.decodeHeaders(postHeaders(), false);
      await recorder.until(() => recorder.request.headers !== null);
      ex.decodeData(bytes("abc"), false);
      ex.decodeData(bytes("def"), true);
      expect(watermarks).toEqual([true]);
      await recorder.until(() => recorder.request.ended);
    } finally {
      ex.destroy();
      client.close();
    }
    expect(watermarks).toEqual([true, false]);
  });
});
