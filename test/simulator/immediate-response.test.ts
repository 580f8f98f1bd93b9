import { afterEach, describe, expect, it } from "vitest";
import { getHeader } from "../../src/envoy/index.js";
import { type FakeProcessor, type Script, startFakeProcessor } from "./fake-processor.js";
import { bytes, getHeaders, kinds, patient, postHeaders, text } from "./helpers.js";
import { continueFor, headerMutation, type ImmediateOptions, immediate } from "./responses.js";
import { runExchange, type SimConfig, type SimExchange } from "./simulator.js";

let fake: FakeProcessor | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const post: SimExchange = {
  requestHeaders: postHeaders(),
  requestChunks: [bytes("harmless "), bytes("<script>"), bytes(" tail")],
  requestTrailers: null,
};

/** Blocks at message `at` (0-based) with the given ImmediateResponse. */
function blockAt(at: number, options: ImmediateOptions): Script {
  return (request, { index }) =>
    index === at ? [{ send: immediate(options) }] : [{ send: continueFor(request) }];
}

async function run(script: Script, exchange: SimExchange = post, config: SimConfig = {}) {
  fake = await startFakeProcessor(script);
  return runExchange({ address: fake.address }, exchange, patient(config));
}

describe("ImmediateResponse (§2.H)", () => {
  it("becomes the local reply, with text/plain and content-length, and stops the upstream", async () => {
    const outcome = await run(
      blockAt(2, {
        status: 403,
        body: "blocked by weir",
        headers: headerMutation([{ key: "x-weir-block", value: "942100" }]),
        details: "weir blocked sqli",
      }),
    );
    expect(outcome.verdict).toBe("block");
    expect(outcome.status).toBe(403);
    expect(outcome.localReply?.headers).toEqual([
      [":status", "403"],
      ["x-weir-block", "942100"],
      ["content-length", "15"],
      ["content-type", "text/plain"],
    ]);
    expect(text(outcome.localReply?.body ?? new Uint8Array())).toBe("blocked by weir");
    expect(outcome.localReply?.details).toBe("weir_blocked_sqli");
    // Only the first chunk had been answered: the upstream never saw the later ones.
    expect(outcome.request.chunks.map(text)).toEqual(["harmless "]);
    expect(kinds(outcome.sent)).toEqual([
      "requestHeaders",
      "requestBody",
      "requestBody",
      "requestBody",
    ]);
  });

  it("uses 200 when the status is missing or below 200", async () => {
    expect((await run(blockAt(0, { body: "x" }))).status).toBe(200);
    await fake?.close();
    expect((await run(blockAt(0, { status: 101, body: "x" }))).status).toBe(200);
  });

  it("removes content-type and content-length when the body is empty", async () => {
    const outcome = await run(
      blockAt(0, {
        status: 403,
        headers: headerMutation([
          { key: "content-type", value: "application/json" },
          { key: "content-length", value: "10" },
        ]),
      }),
    );
    expect(outcome.localReply?.headers).toEqual([[":status", "403"]]);
  });

  it("ignores x-envoy-* headers under the default mutation rules", async () => {
    const outcome = await run(
      blockAt(0, {
        status: 403,
        body: "no",
        headers: headerMutation([
          { key: "x-envoy-upstream-service-time", value: "1" },
          { key: "x-ok", value: "1" },
        ]),
      }),
    );
    const headers = outcome.localReply?.headers ?? [];
    expect(getHeader(headers, "x-envoy-upstream-service-time")).toBeUndefined();
    expect(getHeader(headers, "x-ok")).toBe("1");
  });

  it("sends no body to a HEAD request", async () => {
    const head: SimExchange = {
      requestHeaders: getHeaders().map(([k, v]) => (k === ":method" ? [k, "HEAD"] : [k, v])),
      requestChunks: [],
      requestTrailers: null,
    };
    const outcome = await run(blockAt(0, { status: 403, body: "blocked" }), head);
    expect(outcome.localReply?.body.length).toBe(0);
    expect(getHeader(outcome.localReply?.headers ?? [], "content-length")).toBe("7");
  });

  it("is a trailers-only reply for a gRPC request", async () => {
    const grpc: SimExchange = {
      requestHeaders: postHeaders().map(([k, v]) =>
        k === "content-type" ? [k, "application/grpc+proto"] : [k, v],
      ),
      requestChunks: [bytes("\u0000\u0000\u0000\u0000\u0002hi")],
      requestTrailers: null,
    };
    const outcome = await run(blockAt(0, { status: 403, body: "denied: 100% sure" }), grpc);
    expect(outcome.verdict).toBe("block");
    expect(outcome.status).toBe(200);
    expect(outcome.localReply?.grpcStatus).toBe(7);
    expect(outcome.localReply?.headers).toEqual([
      [":status", "200"],
      ["content-type", "application/grpc"],
      ["grpc-status", "7"],
      ["grpc-message", "denied: 100%25 sure"],
    ]);
    expect(outcome.localReply?.body.length).toBe(0);
  });

  it("takes grpc-status from grpc_status, and a grpc-status header over both", async () => {
    const grpc: SimExchange = {
      requestHeaders: [...getHeaders(), ["content-type", "application/grpc"]],
      requestChunks: [],
      requestTrailers: null,
    };
    const fromField = await run(blockAt(0, { status: 403, grpcStatus: 16 }), grpc);
    expect(getHeader(fromField.localReply?.headers ?? [], "grpc-status")).toBe("16");
    await fake?.close();
    const fromHeader = await run(
      blockAt(0, {
        status: 403,
        grpcStatus: 16,
        headers: headerMutation([{ key: "grpc-status", value: "8" }]),
      }),
      grpc,
    );
    expect(fromHeader.localReply?.grpcStatus).toBe(8);
  });

  it("resets the client stream once response headers were sent", async () => {
    const exchange: SimExchange = {
      requestHeaders: getHeaders(),
      requestChunks: [],
      requestTrailers: null,
      responseHeaders: [[":status", "200"]],
      responseChunks: [bytes("secret "), bytes("data")],
    };
    // Messages: request headers, response headers, response body 1 → block.
    const outcome = await run(blockAt(3, { status: 403, body: "no" }), exchange, {
      responseBodyMode: "STREAMED",
    });
    expect(outcome.localReply).toBeNull();
    expect(outcome.reset).toBe("");
    expect(outcome.verdict).toBe("error");
    expect(outcome.response?.headers).toEqual([[":status", "200"]]);
    expect(outcome.response?.chunks.map(text)).toEqual(["secret "]);
  });

  it("is an ordinary local reply while response headers are still held", async () => {
    const exchange: SimExchange = {
      requestHeaders: getHeaders(),
      requestChunks: [],
      requestTrailers: null,
      responseHeaders: [[":status", "200"]],
      responseChunks: [bytes("secret data")],
    };
    const outcome = await run(blockAt(2, { status: 403, body: "no" }), exchange, {
      responseBodyMode: "BUFFERED",
    });
    expect(outcome.status).toBe(403);
    expect(outcome.response?.headers).toBeNull();
  });
});
