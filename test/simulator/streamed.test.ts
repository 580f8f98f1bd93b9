import { afterEach, describe, expect, it } from "vitest";
import { ExtProcClient } from "../../src/envoy/index.js";
import { type FakeProcessor, startFakeProcessor } from "./fake-processor.js";
import {
  bodyOf,
  bytes,
  headersOf,
  kinds,
  PATIENT_MS,
  patient,
  postHeaders,
  text,
} from "./helpers.js";
import { continueFor, replaceBody } from "./responses.js";
import { ExchangeRecorder, runExchange } from "./simulator.js";

let fake: FakeProcessor | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe("STREAMED request body", () => {
  it("pipelines body messages: several are outstanding before the first reply", async () => {
    fake = await startFakeProcessor(async (request, { index }) => {
      // Hold the reply to the first body message until all three body messages have arrived.
      if (index === 1) return [{ waitForMessages: 4 }, { send: continueFor(request) }];
      return [{ send: continueFor(request) }];
    });
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders(),
        requestChunks: [bytes("one,"), bytes("two,"), bytes("three")],
        requestTrailers: null,
      },
      patient(),
    );
    const call = await fake.call(0);
    expect(kinds(call.received)).toEqual([
      "requestHeaders",
      "requestBody",
      "requestBody",
      "requestBody",
    ]);
    expect(call.received.slice(1).map((m) => bodyOf(m))).toEqual([
      { body: "one,", endOfStream: false },
      { body: "two,", endOfStream: false },
      { body: "three", endOfStream: true },
    ]);
    expect(outcome.verdict).toBe("allow");
    expect(text(outcome.request.body)).toBe("one,two,three");
    expect(outcome.request.ended).toBe(true);
  });

  it("releases each chunk only when its reply arrives, mutated, in order", async () => {
    fake = await startFakeProcessor((request, { index }) => {
      if (index === 2)
        return [{ send: continueFor(request, { bodyMutation: replaceBody("TWO,") }) }];
      return [{ send: continueFor(request) }];
    });
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders(),
        requestChunks: [bytes("one,"), bytes("two,"), bytes("three")],
        requestTrailers: null,
      },
      patient(),
    );
    expect(outcome.request.chunks.map(text)).toEqual(["one,", "TWO,", "three"]);
  });

  it("sends data held during the header wait as one merged chunk", async () => {
    // "immediate" pacing hands Envoy the whole body in the same tick as the headers, so all of
    // it arrives while the header reply is pending.
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders(),
        requestChunks: [bytes("ab"), bytes("cd")],
        requestTrailers: [["x-trailer", "1"]],
      },
      patient({ pacing: "immediate", extProc: { processingMode: { requestTrailerMode: "SEND" } } }),
    );
    const call = await fake.call(0);
    // Body complete (trailers arrived) during the wait: one body message, no end_of_stream
    // because trailers follow, then the trailers.
    expect(kinds(call.received)).toEqual(["requestHeaders", "requestBody", "requestTrailers"]);
    expect(bodyOf(call.received[1])).toEqual({ body: "abcd", endOfStream: false });
    expect(text(outcome.request.body)).toBe("abcd");
    expect(outcome.request.trailers).toEqual([["x-trailer", "1"]]);
  });

  it("strips content-length before forwarding, though the server saw it", async () => {
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders([["content-length", "5"]]),
        requestChunks: [bytes("hello")],
        requestTrailers: null,
      },
      patient(),
    );
    const call = await fake.call(0);
    expect(headersOf(call.received[0])).toContainEqual(["content-length", "5"]);
    expect(outcome.request.headers?.some(([k]) => k === "content-length")).toBe(false);
  });
});

describe("STREAMED with data held during the header wait", () => {
  it("sends the held data as one chunk, then later chunks one by one", async () => {
    fake = await startFakeProcessor();
    const client = new ExtProcClient(fake.address, {
      messageTimeoutMs: PATIENT_MS,
      processingMode: { requestBodyMode: "STREAMED" },
    });
    const recorder = new ExchangeRecorder(10_000);
    const ex = client.exchange(recorder.callbacks(), { observer: (e) => recorder.record(e) });
    try {
      ex.decodeHeaders(postHeaders(), false);
      ex.decodeData(bytes("ab"), false);
      ex.decodeData(bytes("cd"), false);
      await recorder.until(() => recorder.request.headers !== null);
      ex.decodeData(bytes("ef"), true);
      await recorder.until(() => recorder.request.ended);
    } finally {
      ex.destroy();
      client.close();
    }
    const call = await fake.call(0);
    expect(call.received.slice(1).map((m) => bodyOf(m))).toEqual([
      { body: "abcd", endOfStream: false },
      { body: "ef", endOfStream: true },
    ]);
    expect(recorder.request.chunks.map(text)).toEqual(["abcd", "ef"]);
  });
});

describe("trailers (C7)", () => {
  it("are sent only after every body message has been answered", async () => {
    const answeredWhenTrailersArrived: number[] = [];
    fake = await startFakeProcessor((request, { call }) => {
      if (request.request.case === "requestTrailers")
        answeredWhenTrailersArrived.push(call.sent.length);
      if (request.request.case === "requestBody")
        return [{ delayMs: 20 }, { send: continueFor(request) }];
      return [{ send: continueFor(request) }];
    });
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders(),
        requestChunks: [bytes("a"), bytes("b"), bytes("c")],
        requestTrailers: [["x-digest", "abc"]],
      },
      patient({ extProc: { processingMode: { requestTrailerMode: "SEND" } } }),
    );
    const call = await fake.call(0);
    expect(kinds(call.received)).toEqual([
      "requestHeaders",
      "requestBody",
      "requestBody",
      "requestBody",
      "requestTrailers",
    ]);
    // No body message carries end_of_stream when trailers follow (C4-3).
    expect(call.received.slice(1, 4).map((m) => bodyOf(m).endOfStream)).toEqual([
      false,
      false,
      false,
    ]);
    expect(answeredWhenTrailersArrived).toEqual([4]);
    expect(outcome.request.trailers).toEqual([["x-digest", "abc"]]);
    expect(text(outcome.request.body)).toBe("abc");
  });
});
