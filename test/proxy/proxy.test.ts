import { afterEach, describe, expect, it } from "vitest";
import { type RunningProxy, startProxy } from "../../src/proxy/index.js";
import {
  type FakeProcessor,
  type Script,
  startFakeProcessor,
} from "../simulator/fake-processor.js";
import { bodyOf, headersOf, kinds, PATIENT_MS } from "../simulator/helpers.js";
import { continueFor, headerMutation, immediate, replaceBody } from "../simulator/responses.js";
import { open, replyOf, send } from "./http-client.js";
import { closedPort, type EchoUpstream, startEchoUpstream } from "./upstream-echo.js";

let fake: FakeProcessor | null = null;
let upstream: EchoUpstream | null = null;
let proxy: RunningProxy | null = null;

afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  await fake?.close();
  proxy = null;
  upstream = null;
  fake = null;
});

async function setUp(script?: Script, upstreamUrl?: string) {
  fake = await startFakeProcessor(script);
  upstream = await startEchoUpstream();
  proxy = await startProxy({
    listen: "127.0.0.1:0",
    upstream: upstreamUrl ?? upstream.url,
    weir: fake.address,
    messageTimeoutMs: PATIENT_MS,
  });
  return { fake, upstream, proxy };
}

describe("weir proxy", () => {
  it("passes a GET and shows weir Envoy's view of the request", async () => {
    const { fake, upstream, proxy } = await setUp();
    const reply = await send(proxy.port, "GET", "/search?q=1", { headers: { "X-Custom": "A" } });
    expect(reply.status).toBe(200);
    expect(reply.headers["x-upstream"]).toBe("echo");
    const call = await fake.call(0);
    expect(kinds(call.received)).toEqual(["requestHeaders", "responseHeaders"]);
    const seenByWeir = headersOf(call.received[0]);
    expect(seenByWeir.slice(0, 4)).toEqual([
      [":method", "GET"],
      [":scheme", "http"],
      [":authority", `127.0.0.1:${proxy.port}`],
      [":path", "/search?q=1"],
    ]);
    expect(seenByWeir).toContainEqual(["x-custom", "A"]);
    expect(seenByWeir).toContainEqual(["x-forwarded-for", "127.0.0.1"]);
    expect(seenByWeir).toContainEqual(["x-forwarded-proto", "http"]);
    const requestId = seenByWeir.find(([k]) => k === "x-request-id")?.[1];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seenByWeir.some(([k]) => k === "host" || k === "connection")).toBe(false);
    // As an edge Envoy asked for them (deploy/envoy/envoy.yaml): the peer and the path.
    expect(call.received[0]?.attributes["envoy.filters.http.ext_proc"]).toEqual({
      "source.address": "127.0.0.1",
      "request.path": "/search",
    });
    // The request headers message had end_of_stream: a GET without a body.
    const r = call.received[0]?.request;
    expect(r?.case === "requestHeaders" && r.value.endOfStream).toBe(true);
    expect(upstream.requests[0]?.headers["x-request-id"]).toBe(requestId);
    expect(upstream.requests[0]?.headers.host).toBe(`127.0.0.1:${proxy.port}`);
  });

  it("streams a POST body chunk by chunk, in order", async () => {
    const { fake, upstream, proxy } = await setUp();
    const req = open(proxy.port, "POST", "/upload", { "content-type": "text/plain" });
    const reply = replyOf(req);
    const call = await fake.call(0);
    req.write("part-1;");
    await call.waitForMessages(2);
    req.write("part-2;");
    await call.waitForMessages(3);
    req.end("part-3");
    const answer = await reply;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).body).toBe("part-1;part-2;part-3");
    const bodies = call.received
      .filter((m) => m.request.case === "requestBody")
      .map((m) => bodyOf(m));
    expect(bodies.map((b) => b.body).join("")).toBe("part-1;part-2;part-3");
    expect(bodies.at(-1)?.endOfStream).toBe(true);
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    // STREAMED: the upstream got a chunked request without content-length.
    expect(upstream.requests[0]?.headers["content-length"]).toBeUndefined();
  });

  it("marks end_of_stream on the chunk that completes content-length", async () => {
    const { fake, proxy } = await setUp();
    const reply = await send(proxy.port, "POST", "/form", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1&b=2",
    });
    expect(reply.status).toBe(200);
    const call = await fake.call(0);
    expect(headersOf(call.received[0])).toContainEqual(["content-length", "7"]);
    expect(
      call.received.filter((m) => m.request.case === "requestBody").map((m) => bodyOf(m)),
    ).toEqual([{ body: "a=1&b=2", endOfStream: true }]);
  });

  it("answers a blocked request with the ImmediateResponse; the upstream never sees the rest", async () => {
    const { fake, upstream, proxy } = await setUp((request, { index }) =>
      index === 2
        ? [
            {
              send: immediate({
                status: 403,
                body: "blocked by weir\n",
                headers: headerMutation([{ key: "x-weir-rule", value: "941100" }]),
              }),
            },
          ]
        : [{ send: continueFor(request) }],
    );
    const req = open(proxy.port, "POST", "/comment", { "content-type": "text/plain" });
    const reply = replyOf(req);
    const call = await fake.call(0);
    req.write("hello ");
    await call.waitForMessages(2);
    req.write("<script>alert(1)</script>");
    const answer = await reply;
    req.destroy();
    expect(answer.status).toBe(403);
    expect(answer.body).toBe("blocked by weir\n");
    expect(answer.headers["x-weir-rule"]).toBe("941100");
    expect(answer.headers["content-type"]).toBe("text/plain");
    const seen = upstream.requests[0];
    await seen?.settled;
    expect(seen?.complete).toBe(false);
    expect(Buffer.concat(seen?.chunks ?? []).toString()).toBe("hello ");
  });

  it("answers 502 when the upstream is down", async () => {
    const port = await closedPort();
    const { fake, proxy } = await setUp(undefined, `http://127.0.0.1:${port}`);
    const reply = await send(proxy.port, "GET", "/");
    expect(reply.status).toBe(502);
    expect(reply.body).toMatch(/^upstream connect error/);
    // The router's reply went through the response path, as Envoy 1.37 does.
    const call = await fake.call(0);
    expect(headersOf(call.received[1])[0]).toEqual([":status", "502"]);
  });

  it("applies response header mutations from the processor", async () => {
    const { proxy } = await setUp((request) =>
      request.request.case === "responseHeaders"
        ? [
            {
              send: continueFor(request, {
                headerMutation: headerMutation([{ key: "x-weir", value: "checked" }]),
              }),
            },
          ]
        : [{ send: continueFor(request) }],
    );
    const reply = await send(proxy.port, "GET", "/");
    expect(reply.headers["x-weir"]).toBe("checked");
  });

  it("answers Expect: 100-continue itself and does not forward the expectation", async () => {
    const { fake, upstream, proxy } = await setUp();
    const req = open(proxy.port, "POST", "/big", {
      "content-type": "text/plain",
      expect: "100-continue",
    });
    const reply = replyOf(req);
    await new Promise<void>((resolve) => req.once("continue", resolve));
    req.end("payload");
    expect((await reply).status).toBe(200);
    const call = await fake.call(0);
    expect(headersOf(call.received[0]).some(([k]) => k === "expect")).toBe(false);
    expect(upstream.requests[0]?.headers.expect).toBeUndefined();
  });

  it("closes the ext_proc stream when the client goes away", async () => {
    const { fake, proxy } = await setUp();
    const req = open(proxy.port, "POST", "/slow", { "content-type": "text/plain" });
    req.on("error", () => {});
    req.write("first");
    const call = await fake.call(0);
    await call.waitForMessages(2);
    req.destroy();
    await call.done;
    expect(call.events).toContain("cancelled");
  });
});

describe("weir proxy with other body modes", () => {
  it("answers 413 for a BUFFERED request body over the buffer limit", async () => {
    fake = await startFakeProcessor();
    upstream = await startEchoUpstream();
    proxy = await startProxy({
      listen: "127.0.0.1:0",
      upstream: upstream.url,
      weir: fake.address,
      messageTimeoutMs: PATIENT_MS,
      requestBodyMode: "BUFFERED",
      bufferLimitBytes: 16,
    });
    const small = await send(proxy.port, "POST", "/", { body: "fits" });
    expect(small.status).toBe(200);
    const big = await send(proxy.port, "POST", "/", { body: "x".repeat(100) });
    expect(big.status).toBe(413);
    expect(upstream.requests).toHaveLength(1);
  });

  it("streams the response body through the processor, which may rewrite it", async () => {
    fake = await startFakeProcessor((request) => {
      if (request.request.case !== "responseBody") return [{ send: continueFor(request) }];
      const { body } = bodyOf(request);
      return [
        {
          send: continueFor(request, {
            bodyMutation: replaceBody(body.replace(/secret/g, "******")),
          }),
        },
      ];
    });
    upstream = await startEchoUpstream();
    proxy = await startProxy({
      listen: "127.0.0.1:0",
      upstream: upstream.url,
      weir: fake.address,
      messageTimeoutMs: PATIENT_MS,
      responseBodyMode: "STREAMED",
    });
    const reply = await send(proxy.port, "POST", "/echo", { body: "my secret" });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).body).toBe("my ******");
    // STREAMED strips content-length: the client got a chunked response.
    expect(reply.headers["content-length"]).toBeUndefined();
    expect(reply.headers["transfer-encoding"]).toBe("chunked");
  });
});

describe("weir proxy when weir is down", () => {
  it("answers 500 (status_on_error), says why, warns, and never reaches the upstream", async () => {
    upstream = await startEchoUpstream();
    const warnings: { event: string; fields: Record<string, string | number> }[] = [];
    proxy = await startProxy({
      listen: "127.0.0.1:0",
      upstream: upstream.url,
      weir: `127.0.0.1:${await closedPort()}`,
      warn: (event, fields) => warnings.push({ event, fields }),
    });
    const reply = await send(proxy.port, "GET", "/");
    expect(reply.status).toBe(500);
    expect(reply.body).toBe("weir ext_proc unavailable\n");
    expect(upstream.requests).toHaveLength(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ cause: "grpc_error", status: 500 });
  });

  it("passes traffic through with failure_mode_allow", async () => {
    upstream = await startEchoUpstream();
    proxy = await startProxy({
      listen: "127.0.0.1:0",
      upstream: upstream.url,
      weir: `127.0.0.1:${await closedPort()}`,
      failureModeAllow: true,
    });
    const reply = await send(proxy.port, "POST", "/x", { body: "still here" });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).body).toBe("still here");
  });
});
