import { afterEach, describe, expect, it } from "vitest";
import { ExtProcClient } from "../../src/envoy/index.js";
import { type FakeProcessor, startFakeProcessor } from "./fake-processor.js";
import { bodyOf, bytes, kinds, PATIENT_MS, patient, postHeaders, text } from "./helpers.js";
import { continueFor, headerMutation, replaceBody } from "./responses.js";
import { ExchangeRecorder, runExchange } from "./simulator.js";

let fake: FakeProcessor | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const chunks = [bytes("hello "), bytes("big "), bytes("world")];

describe("BUFFERED (C3)", () => {
  it("sends the whole body as one message and holds the headers until its reply", async () => {
    fake = await startFakeProcessor((request) => {
      if (request.request.case === "requestBody") {
        const mutation = headerMutation([{ key: "x-inspected", value: "yes" }]);
        return [{ send: continueFor(request, { headerMutation: mutation }) }];
      }
      return [{ send: continueFor(request) }];
    });
    const outcome = await runExchange(
      { address: fake.address },
      { requestHeaders: postHeaders(), requestChunks: chunks, requestTrailers: null },
      patient({ requestBodyMode: "BUFFERED" }),
    );
    const call = await fake.call(0);
    expect(kinds(call.received)).toEqual(["requestHeaders", "requestBody"]);
    expect(bodyOf(call.received[1])).toEqual({ body: "hello big world", endOfStream: true });
    // The body reply's header mutation took effect: the headers were still held (C3-3).
    expect(outcome.request.headers).toContainEqual(["x-inspected", "yes"]);
    expect(text(outcome.request.body)).toBe("hello big world");
  });

  it("answers 413 without sending a body over the buffer limit to the server", async () => {
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      { requestHeaders: postHeaders(), requestChunks: chunks, requestTrailers: null },
      patient({ requestBodyMode: "BUFFERED", extProc: { bufferLimitBytes: 10 } }),
    );
    const call = await fake.call(0);
    expect(outcome.verdict).toBe("error");
    expect(outcome.status).toBe(413);
    expect(outcome.localReply?.details).toBe("request_payload_too_large");
    expect(kinds(call.received)).toEqual(["requestHeaders"]);
    expect(outcome.request.headers).toBeNull();
    expect(outcome.request.chunks).toEqual([]);
  });

  it("answers 413 when the body grows over the limit after the header reply", async () => {
    fake = await startFakeProcessor();
    const client = new ExtProcClient(fake.address, {
      messageTimeoutMs: PATIENT_MS,
      processingMode: { requestBodyMode: "BUFFERED" },
      bufferLimitBytes: 10,
    });
    const recorder = new ExchangeRecorder(10_000);
    const ex = client.exchange(recorder.callbacks(), { observer: (e) => recorder.record(e) });
    try {
      ex.decodeHeaders(postHeaders(), false);
      await recorder.until(() => recorder.transcript.some((t) => t.event.kind === "received"));
      ex.decodeData(bytes("0123456"), false);
      ex.decodeData(bytes("789abc"), false);
      await recorder.until(() => recorder.localReply !== null);
    } finally {
      ex.destroy();
      client.close();
    }
    expect(recorder.localReply?.status).toBe(413);
    expect(kinds((await fake.call(0)).received)).toEqual(["requestHeaders"]);
  });

  it("answers 500 for a response body over the limit", async () => {
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders(),
        requestChunks: [],
        requestTrailers: null,
        responseHeaders: [[":status", "200"]],
        responseChunks: chunks,
      },
      patient({ responseBodyMode: "BUFFERED", extProc: { bufferLimitBytes: 10 } }),
    );
    expect(outcome.status).toBe(500);
    expect(outcome.localReply?.details).toBe("response_payload_too_large");
    expect(outcome.response?.headers).toBeNull();
  });

  it("refuses a body mutation that contradicts content-length (C3-5)", async () => {
    fake = await startFakeProcessor((request) => {
      if (request.request.case !== "requestBody") return [{ send: continueFor(request) }];
      return [{ send: continueFor(request, { bodyMutation: replaceBody("much longer body") }) }];
    });
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders([["content-length", "15"]]),
        requestChunks: chunks,
        requestTrailers: null,
      },
      patient({ requestBodyMode: "BUFFERED" }),
    );
    expect(outcome.status).toBe(500);
    expect(outcome.localReply?.details).toBe(
      "mismatch_between_content_length_and_the_length_of_the_mutated_body",
    );
    expect(outcome.request.headers).toBeNull();
  });

  it("accepts the mutation when the same reply fixes content-length", async () => {
    fake = await startFakeProcessor((request) => {
      if (request.request.case !== "requestBody") return [{ send: continueFor(request) }];
      return [
        {
          send: continueFor(request, {
            bodyMutation: replaceBody("much longer body"),
            headerMutation: headerMutation([{ key: "content-length", value: "16" }]),
          }),
        },
      ];
    });
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders([["content-length", "15"]]),
        requestChunks: chunks,
        requestTrailers: null,
      },
      patient({ requestBodyMode: "BUFFERED" }),
    );
    expect(outcome.verdict).toBe("allow");
    expect(outcome.request.headers).toContainEqual(["content-length", "16"]);
    expect(text(outcome.request.body)).toBe("much longer body");
  });
});

describe("BUFFERED_PARTIAL (C5)", () => {
  it("sends the data up to the limit once, then lets the rest pass", async () => {
    fake = await startFakeProcessor((request) => {
      if (request.request.case !== "requestBody") return [{ send: continueFor(request) }];
      const mutation = headerMutation([{ key: "x-partial", value: "1" }]);
      return [{ send: continueFor(request, { headerMutation: mutation }) }];
    });
    const client = new ExtProcClient(fake.address, {
      messageTimeoutMs: PATIENT_MS,
      processingMode: { requestBodyMode: "BUFFERED_PARTIAL" },
      bufferLimitBytes: 8,
    });
    const recorder = new ExchangeRecorder(10_000);
    const ex = client.exchange(recorder.callbacks(), { observer: (e) => recorder.record(e) });
    try {
      ex.decodeHeaders(postHeaders(), false);
      await recorder.until(() => recorder.transcript.some((t) => t.event.kind === "received"));
      ex.decodeData(bytes("01234"), false);
      ex.decodeData(bytes("56789"), false);
      await recorder.until(() => recorder.request.headers !== null);
      ex.decodeData(bytes("abcde"), true);
      await recorder.until(() => recorder.request.ended);
    } finally {
      ex.destroy();
      client.close();
    }
    const call = await fake.call(0);
    expect(kinds(call.received)).toEqual(["requestHeaders", "requestBody"]);
    expect(bodyOf(call.received[1])).toEqual({ body: "0123456789", endOfStream: false });
    expect(recorder.request.headers).toContainEqual(["x-partial", "1"]);
    expect(recorder.request.headers?.some(([k]) => k === "content-length")).toBe(false);
    expect(Buffer.concat(recorder.request.chunks).toString()).toBe("0123456789abcde");
  });
});
