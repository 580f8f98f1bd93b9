/**
 * The simulator's fault switches and client reset (src/envoy/switches.ts, simulator.ts), against
 * the scripted processor: behaviours reported after the contract's snapshot (a body message
 * sent again after end_of_stream, envoy#46237 and envoy#36119) and a client that goes away
 * mid-body. What goes on the wire, what Envoy expects back, and what it releases.
 */
import { afterEach, describe, expect, it } from "vitest";
import { continueAll, type FakeProcessor, startFakeProcessor } from "./fake-processor.js";
import { bodyOf, bytes, getHeaders, kinds, patient, postHeaders, text } from "./helpers.js";
import { continueFor, streamedBody } from "./responses.js";
import { runExchange } from "./simulator.js";

let fake: FakeProcessor | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const upload = (chunks: string[]) => ({
  requestHeaders: postHeaders(),
  requestChunks: chunks.map(bytes),
  requestTrailers: null,
});

describe("fault switch redeliverLastBodyChunk (FULL_DUPLEX_STREAMED, envoy#46237)", () => {
  it("sends the end_of_stream body message a second time and releases nothing more", async () => {
    // Echo each chunk as a streamed response, as FULL_DUPLEX needs.
    fake = await startFakeProcessor((request) => {
      const r = request.request;
      if (r.case !== "requestBody") return [{ send: continueFor(request) }];
      return [
        {
          send: continueFor(request, {
            bodyMutation: streamedBody(r.value.body, r.value.endOfStream),
          }),
        },
      ];
    });
    const o = await runExchange({ address: fake.address }, upload(["ab", "cd"]), {
      ...patient({ requestBodyMode: "FULL_DUPLEX_STREAMED" }),
      switches: { redeliverLastBodyChunk: true },
    });
    expect(kinds(o.sent)).toEqual(["requestHeaders", "requestBody", "requestBody", "requestBody"]);
    expect(bodyOf(o.sent[2])).toEqual({ body: "cd", endOfStream: true });
    expect(bodyOf(o.sent[3])).toEqual({ body: "cd", endOfStream: true });
    expect(o.verdict).toBe("allow");
    expect(text(o.request.body)).toBe("abcd");
    const handled = o.transcript.flatMap(({ event }) =>
      event.kind === "received" ? [event.handling] : [],
    );
    expect(handled.every((h) => h === "applied")).toBe(true);
  });

  it("without an answer to the duplicate, a server that ends the stream makes Envoy fail closed", async () => {
    fake = await startFakeProcessor((request, { index }) => {
      if (index === 3) return [{ end: { code: 9, details: "body after end_of_stream" } }];
      const r = request.request;
      if (r.case !== "requestBody") return [{ send: continueFor(request) }];
      return [
        {
          send: continueFor(request, {
            bodyMutation: streamedBody(r.value.body, r.value.endOfStream),
          }),
        },
      ];
    });
    const o = await runExchange({ address: fake.address }, upload(["ab", "cd"]), {
      ...patient({ requestBodyMode: "FULL_DUPLEX_STREAMED" }),
      switches: { redeliverLastBodyChunk: true },
    });
    expect(o.localReply?.cause).toBe("grpc_error");
    expect(o.localReply?.status).toBe(500);
  });
});

describe("fault switch replayBodyAfterEndOfStream (STREAMED retry, envoy#36119)", () => {
  it("replays every body message once, in order, after the end_of_stream one", async () => {
    fake = await startFakeProcessor(continueAll);
    const o = await runExchange({ address: fake.address }, upload(["a", "b", "c"]), {
      ...patient({ requestBodyMode: "STREAMED" }),
      switches: { replayBodyAfterEndOfStream: true },
    });
    const bodies = o.sent.filter((m) => m.request.case === "requestBody").map(bodyOf);
    expect(bodies).toEqual([
      { body: "a", endOfStream: false },
      { body: "b", endOfStream: false },
      { body: "c", endOfStream: true },
      { body: "a", endOfStream: false },
      { body: "b", endOfStream: false },
      { body: "c", endOfStream: true },
    ]);
    expect(o.verdict).toBe("allow");
    // The replay's answers release nothing: the upstream gets the body once.
    expect(text(o.request.body)).toBe("abc");
    expect(o.received).toHaveLength(o.sent.length);
  });

  it("is off in every release preset", async () => {
    fake = await startFakeProcessor(continueAll);
    for (const envoyVersion of ["1.30", "1.34", "1.37"] as const) {
      const o = await runExchange(
        { address: fake.address },
        upload(["a", "b"]),
        patient({ envoyVersion }),
      );
      expect(kinds(o.sent)).toEqual(["requestHeaders", "requestBody", "requestBody"]);
    }
  });
});

describe("client reset (SimConfig.resetAfter)", () => {
  it("after the first request chunk was answered: the stream is closed, the rest never sent", async () => {
    fake = await startFakeProcessor(continueAll);
    const o = await runExchange({ address: fake.address }, upload(["first", "second"]), {
      ...patient({ requestBodyMode: "STREAMED" }),
      resetAfter: { direction: "request", chunks: 1 },
    });
    expect(o.clientReset).toBe(true);
    expect(o.verdict).toBe("allow");
    expect(kinds(o.sent)).toEqual(["requestHeaders", "requestBody"]);
    expect(bodyOf(o.sent[1])).toEqual({ body: "first", endOfStream: false });
    const call = await fake.call(0);
    await call.done;
    // Envoy's default close: a half-close, then the cancel.
    expect(call.events).toContain("cancelled");
  });

  it("after the first response chunk was answered", async () => {
    fake = await startFakeProcessor(continueAll);
    const o = await runExchange(
      { address: fake.address },
      {
        requestHeaders: getHeaders(),
        requestChunks: [],
        requestTrailers: null,
        responseHeaders: [[":status", "200"]],
        responseChunks: [bytes("one"), bytes("two")],
        responseTrailers: null,
      },
      {
        ...patient({ responseBodyMode: "STREAMED" }),
        resetAfter: { direction: "response", chunks: 1 },
      },
    );
    expect(o.clientReset).toBe(true);
    expect(kinds(o.sent)).toEqual(["requestHeaders", "responseHeaders", "responseBody"]);
    expect(o.response !== null && text(o.response.body)).toBe("one");
  });
});
