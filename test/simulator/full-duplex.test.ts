import { afterEach, describe, expect, it } from "vitest";
import type { ProcessingRequest } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { type FakeProcessor, type Script, startFakeProcessor } from "./fake-processor.js";
import { bodyOf, bytes, kinds, patient, postHeaders, text } from "./helpers.js";
import { continueFor, headerMutation, replaceBody, streamedBody } from "./responses.js";
import { runExchange, type SimExchange } from "./simulator.js";

let fake: FakeProcessor | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const duplex = { requestBodyMode: "FULL_DUPLEX_STREAMED" } as const;

function upper(request: ProcessingRequest) {
  const { body, endOfStream } = bodyOf(request);
  return continueFor(request, { bodyMutation: streamedBody(body.toUpperCase(), endOfStream) });
}

const exchange: SimExchange = {
  requestHeaders: postHeaders(),
  requestChunks: [bytes("abc"), bytes("def")],
  requestTrailers: null,
};

describe("FULL_DUPLEX_STREAMED (C6)", () => {
  it("sends body chunks before the header response and forwards only what the server streams", async () => {
    const script: Script = (request, { index }) => {
      // The header reply waits until every body message has arrived: only possible because
      // Envoy sends them without waiting for it.
      if (index === 0) return [{ waitForMessages: 3 }, { send: continueFor(request) }];
      return [{ send: upper(request) }];
    };
    fake = await startFakeProcessor(script);
    const outcome = await runExchange({ address: fake.address }, exchange, patient(duplex));
    const call = await fake.call(0);
    expect(kinds(call.received)).toEqual(["requestHeaders", "requestBody", "requestBody"]);
    expect(outcome.verdict).toBe("allow");
    expect(text(outcome.request.body)).toBe("ABCDEF");
    expect(outcome.request.ended).toBe(true);
  });

  it("allows M:N chunking of the streamed replies", async () => {
    fake = await startFakeProcessor((request, { index }) => {
      if (index === 0) return [{ send: continueFor(request) }];
      if (index === 1) return [];
      // Answer both chunks with three streamed pieces.
      return [
        { send: continueFor(request, { bodyMutation: streamedBody("x", false) }) },
        { send: continueFor(request, { bodyMutation: streamedBody("y", false) }) },
        { send: continueFor(request, { bodyMutation: streamedBody("z", true) }) },
      ];
    });
    const outcome = await runExchange({ address: fake.address }, exchange, patient(duplex));
    expect(outcome.request.chunks.map(text)).toEqual(["x", "y", "z"]);
  });

  it("treats a plain body mutation as spurious (fail closed)", async () => {
    fake = await startFakeProcessor((request, { index }) =>
      index === 0
        ? [{ send: continueFor(request) }]
        : [{ send: continueFor(request, { bodyMutation: replaceBody("nope") }) }],
    );
    const outcome = await runExchange({ address: fake.address }, exchange, patient(duplex));
    expect(outcome.status).toBe(500);
    expect(outcome.localReply?.cause).toBe("spurious_message");
  });

  it("has no message timeout", async () => {
    fake = await startFakeProcessor((request, { index }) =>
      index === 0 ? [{ delayMs: 200 }, { send: continueFor(request) }] : [{ send: upper(request) }],
    );
    const outcome = await runExchange(
      { address: fake.address },
      exchange,
      patient({
        ...duplex,
        messageTimeoutMs: 20,
      }),
    );
    expect(outcome.verdict).toBe("allow");
    expect(outcome.transcript.some((t) => t.event.kind === "message_timeout")).toBe(false);
  });

  it("sends trailers at once, even with body replies outstanding", async () => {
    fake = await startFakeProcessor((request, { index }) => {
      if (index === 0) return [{ send: continueFor(request) }];
      if (request.request.case === "requestTrailers") {
        const mutation = headerMutation([{ key: "x-checked", value: "1" }]);
        return [{ send: continueFor(request, { headerMutation: mutation }) }];
      }
      // Body replies wait for the trailers message: Envoy must not hold it back.
      return [
        { waitForMessages: 4 },
        { send: continueFor(request, { bodyMutation: streamedBody(bodyOf(request).body, false) }) },
      ];
    });
    const outcome = await runExchange(
      { address: fake.address },
      { ...exchange, requestTrailers: [["grpc-status", "0"]] },
      patient(duplex),
    );
    expect(text(outcome.request.body)).toBe("abcdef");
    expect(outcome.request.trailers).toEqual([
      ["grpc-status", "0"],
      ["x-checked", "1"],
    ]);
  });
});
