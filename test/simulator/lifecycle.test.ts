import { afterEach, describe, expect, it } from "vitest";
import { ExtProcClient, getHeader } from "../../src/envoy/index.js";
import { type FakeProcessor, startFakeProcessor } from "./fake-processor.js";
import { bytes, getHeaders, kinds, PATIENT_MS, patient, postHeaders } from "./helpers.js";
import { continueFor, headerMutation, immediate } from "./responses.js";
import { ExchangeRecorder, runExchange } from "./simulator.js";

let fake: FakeProcessor | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe("what every ProcessingRequest carries (§2.B)", () => {
  it("lower-case keys with values in raw_value only, metadata_context always, protocol_config once", async () => {
    fake = await startFakeProcessor();
    await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders([["x-bin", "caf\u00e9"]]),
        requestChunks: [bytes("a"), bytes("b")],
        requestTrailers: null,
        responseHeaders: [[":status", "200"]],
      },
      patient(),
    );
    const call = await fake.call(0);
    const first = call.received[0]?.request;
    if (first?.case !== "requestHeaders") throw new Error("first message is not request headers");
    const entries = first.value.headers?.headers ?? [];
    expect(entries.every((h) => h.value === "" && h.key === h.key.toLowerCase())).toBe(true);
    // The byte string "café" (latin1 é = 0xE9) travels as that one byte.
    const bin = entries.find((h) => h.key === "x-bin");
    expect(Buffer.from(bin?.rawValue ?? []).toString("hex")).toBe("636166e9");
    expect(call.received.every((m) => m.metadataContext !== undefined)).toBe(true);
    expect(call.received.map((m) => m.protocolConfig !== undefined)).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(call.received[0]?.protocolConfig?.requestBodyMode).toBe(1); // STREAMED
  });

  it("no protocol_config before Envoy 1.34", async () => {
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      { requestHeaders: getHeaders(), requestChunks: [], requestTrailers: null },
      patient({ envoyVersion: "1.30" }),
    );
    expect(outcome.sent[0]?.protocolConfig).toBeUndefined();
  });

  it("attributes once per direction, under the filter name", async () => {
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: postHeaders(),
        requestChunks: [bytes("x")],
        requestTrailers: null,
        responseHeaders: [[":status", "200"]],
      },
      patient({
        extProc: {
          requestAttributes: (headers) => ({
            "request.path": getHeader(headers ?? [], ":path") ?? "",
          }),
          responseAttributes: { "response.code": 200 },
        },
      }),
    );
    const attributes = outcome.sent.map((m) => m.attributes["envoy.filters.http.ext_proc"] ?? null);
    expect(attributes).toEqual([{ "request.path": "/submit" }, null, { "response.code": 200 }]);
  });

  it("a headers-only request has end_of_stream on its headers message", async () => {
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      { requestHeaders: getHeaders(), requestChunks: [], requestTrailers: null },
      patient(),
    );
    const r = outcome.sent[0]?.request;
    expect(r?.case === "requestHeaders" && r.value.endOfStream).toBe(true);
    expect(outcome.request.ended).toBe(true);
  });
});

describe("header mutations end to end (§2.E)", () => {
  it("applies sets, appends and removals to the forwarded headers and ignores refused ones", async () => {
    fake = await startFakeProcessor((request, { index }) => {
      if (index > 0) return [{ send: continueFor(request) }];
      const mutation = headerMutation(
        [
          { key: "x-weir-score", value: "3" },
          { key: "x-tag", value: "2", append: true },
          { key: ":authority", value: "evil.test" },
          { key: "x-envoy-debug", value: "1" },
        ],
        ["x-remove-me", ":path", "host"],
      );
      return [{ send: continueFor(request, { headerMutation: mutation }) }];
    });
    const outcome = await runExchange(
      { address: fake.address },
      {
        requestHeaders: getHeaders([
          ["x-tag", "1"],
          ["x-remove-me", "1"],
        ]),
        requestChunks: [],
        requestTrailers: null,
      },
      patient(),
    );
    expect(outcome.request.headers).toEqual([
      [":method", "GET"],
      [":scheme", "https"],
      [":authority", "app.example.test"],
      [":path", "/"],
      ["x-tag", "1"],
      ["x-weir-score", "3"],
      ["x-tag", "2"],
    ]);
  });

  it("an invalid header value from the server is a local 500", async () => {
    fake = await startFakeProcessor((request) => [
      {
        send: continueFor(request, {
          headerMutation: headerMutation([{ key: "x-a", value: "1\r\n2" }]),
        }),
      },
    ]);
    const outcome = await runExchange(
      { address: fake.address },
      { requestHeaders: getHeaders(), requestChunks: [], requestTrailers: null },
      patient(),
    );
    expect(outcome.status).toBe(500);
    expect(outcome.localReply?.details).toBe("header_mutation_set_contains_invalid_character");
    const received = outcome.transcript.find((t) => t.event.kind === "received")?.event;
    expect(received).toMatchObject({ handling: "rejected" });
  });

  it("ignores header mutations in STREAMED body replies (headers already forwarded)", async () => {
    fake = await startFakeProcessor((request, { index }) => [
      {
        send: continueFor(request, {
          ...(index === 1
            ? { headerMutation: headerMutation([{ key: "x-late", value: "1" }]) }
            : {}),
        }),
      },
    ]);
    const outcome = await runExchange(
      { address: fake.address },
      { requestHeaders: postHeaders(), requestChunks: [bytes("x")], requestTrailers: null },
      patient(),
    );
    expect(getHeader(outcome.request.headers ?? [], "x-late")).toBeUndefined();
    expect(outcome.verdict).toBe("allow");
  });
});

describe("closing the gRPC stream (§2.A)", () => {
  it("half-closes then cancels once both directions are finished, before the HTTP stream ends", async () => {
    fake = await startFakeProcessor();
    const client = new ExtProcClient(fake.address, {
      messageTimeoutMs: PATIENT_MS,
      processingMode: { requestBodyMode: "STREAMED", responseHeaderMode: "SEND" },
    });
    const recorder = new ExchangeRecorder(10_000);
    const ex = client.exchange(recorder.callbacks(), { observer: (e) => recorder.record(e) });
    try {
      ex.decodeHeaders(postHeaders(), false);
      await recorder.until(() => recorder.request.headers !== null);
      ex.decodeData(bytes("body"), true);
      await recorder.until(() => recorder.request.ended);
      // The response direction still expects its headers message: the stream stays open.
      expect(recorder.transcript.some((t) => t.event.kind === "stream_closed")).toBe(false);
      ex.encodeHeaders([[":status", "204"]], true);
      await recorder.until(() => recorder.response.ended);
      // Both directions finished: closed now, while the exchange itself is still alive.
      expect(recorder.transcript.at(-1)?.event).toMatchObject({
        kind: "stream_closed",
        how: "half_close_and_cancel",
      });
      const call = await fake.call(0);
      await call.done;
      expect(call.events).toEqual(["half_close", "cancelled"]);
    } finally {
      ex.destroy();
      client.close();
    }
  });

  it("keeps the stream until the exchange is destroyed without the 1.37 optimisation", async () => {
    fake = await startFakeProcessor();
    const client = new ExtProcClient(fake.address, {
      messageTimeoutMs: PATIENT_MS,
      envoyVersion: "1.34",
    });
    const recorder = new ExchangeRecorder(10_000);
    const ex = client.exchange(recorder.callbacks(), { observer: (e) => recorder.record(e) });
    try {
      ex.decodeHeaders(getHeaders(), true);
      await recorder.until(() => recorder.request.ended);
      ex.encodeHeaders([[":status", "204"]], true);
      await recorder.until(() => recorder.response.ended);
      expect(recorder.transcript.some((t) => t.event.kind === "stream_closed")).toBe(false);
      ex.destroy();
      expect(recorder.transcript.at(-1)?.event).toMatchObject({ kind: "stream_closed" });
      const call = await fake.call(0);
      await call.done;
      expect(call.events).toEqual(["half_close", "cancelled"]);
    } finally {
      ex.destroy();
      client.close();
    }
  });

  it("closes right after the request when the response path sends nothing", async () => {
    fake = await startFakeProcessor();
    const outcome = await runExchange(
      { address: fake.address },
      { requestHeaders: getHeaders(), requestChunks: [], requestTrailers: null },
      patient({ extProc: { processingMode: { responseHeaderMode: "SKIP" } } }),
    );
    const kindsInOrder = outcome.transcript.map((t) => t.event.kind);
    expect(kindsInOrder).toEqual(["stream_opened", "sent", "received", "stream_closed"]);
  });

  it("waits for the server to finish with the graceful-close switch", async () => {
    fake = await startFakeProcessor(undefined, { endOnHalfClose: true });
    await runExchange(
      { address: fake.address },
      { requestHeaders: getHeaders(), requestChunks: [], requestTrailers: null },
      patient({ switches: { gracefulGrpcClose: true } }),
    );
    const call = await fake.call(0);
    await call.done;
    expect(call.events).toEqual(["half_close", "server_end:0"]);
  });

  it("closes the stream after an ImmediateResponse and sends nothing on the response path", async () => {
    fake = await startFakeProcessor((request, { index }) =>
      index === 1 ? [{ send: immediate({ status: 403 }) }] : [{ send: continueFor(request) }],
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
      ex.decodeData(bytes("a"), true);
      await recorder.until(() => recorder.localReply !== null);
      expect(recorder.transcript.at(-2)?.event).toMatchObject({ kind: "stream_closed" });
      // The upstream answers anyway (the router had started): Envoy does not consult the server.
      ex.encodeHeaders([[":status", "200"]], true);
      expect(recorder.response.headers).toBeNull();
      const call = await fake.call(0);
      await call.done;
      expect(kinds(call.received)).toEqual(["requestHeaders", "requestBody"]);
      expect(call.events).toEqual(["half_close", "cancelled"]);
    } finally {
      ex.destroy();
      client.close();
    }
  });
});
