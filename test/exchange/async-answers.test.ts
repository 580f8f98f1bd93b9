/**
 * The Exchange answers synchronously unless a body needs the asynchronous inflate stage: a plain
 * body (whatever its decoder) returns an array, so the common path allocates no promise; a
 * Content-Encoding body returns a promise, and a message handed in before it settles is an
 * internal error rather than a silent reordering.
 */
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Exchange } from "../../src/exchange/exchange.js";
import { ExchangeError } from "../../src/exchange/protocol-error.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";
import { routePolicyOf, singlePolicySet } from "../../src/policy/route-policy.js";
import { signatureEngine } from "./counting-engine.js";
import { RecordingObserver } from "./recording-observer.js";
import { type SendSpec, summarize, toRequest } from "./transcript.js";

const STREAMED = { requestBodyMode: "STREAMED", responseBodyMode: "NONE" } as const;

function headers(contentType: string, encoding?: string): SendSpec {
  const pairs: [string, string][] = [
    [":path", "/api"],
    [":method", "POST"],
    ["content-type", contentType],
    ["x-request-id", "req-async"],
  ];
  if (encoding !== undefined) pairs.push(["content-encoding", encoding]);
  return { requestHeaders: { headers: pairs }, protocolConfig: STREAMED };
}

function open(): { exchange: Exchange; engine: ReturnType<typeof signatureEngine> } {
  const engine = signatureEngine();
  const exchange = new Exchange({
    inspector: engine.openExchange(),
    policies: singlePolicySet(routePolicyOf(DEFAULT_POLICY)),
    observer: new RecordingObserver(),
  });
  return { exchange, engine };
}

describe("synchronous and asynchronous answers", () => {
  it.each([
    ["application/json", '{"a":"b"}'],
    ["application/x-www-form-urlencoded", "a=1&b=2"],
    [
      "multipart/form-data; boundary=b7",
      '--b7\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b7--\r\n',
    ],
    ["text/plain", "a=1"],
  ])("answers a %s body without a promise", (contentType, text) => {
    const { exchange } = open();
    expect(Array.isArray(exchange.handle(toRequest(headers(contentType))))).toBe(true);
    const answers = exchange.handle(toRequest({ requestBody: { text, endOfStream: true } }));
    expect(Array.isArray(answers)).toBe(true);
    exchange.close();
  });

  it("answers an unknown Content-Encoding at the headers, without a promise", () => {
    const { exchange } = open();
    const answers = exchange.handle(toRequest(headers("application/json", "zstd")));
    expect(Array.isArray(answers) && answers.map(summarize)[0]?.immediate?.status).toBe(415);
    exchange.close();
  });

  it("answers a gzip body through a promise and refuses a message handed in before it settles", async () => {
    const { exchange, engine } = open();
    exchange.handle(toRequest(headers("application/json", "gzip")));
    const base64 = gzipSync(`{"note":"x' or 1=1"}`).toString("base64");
    const pending = exchange.handle(toRequest({ requestBody: { base64 } }));
    expect(pending).toBeInstanceOf(Promise);
    const early = () =>
      exchange.handle(toRequest({ requestBody: { text: "", endOfStream: true } }));
    expect(early).toThrow(ExchangeError);
    expect(early).toThrow(/still being inspected/);
    const answers = (await pending).map(summarize);
    expect(answers[0]?.immediate?.status).toBe(403);
    expect(answers[0]?.dynamicMetadata).toMatchObject({ weir: { signature_ids: [1] } });
    exchange.close();
    expect(engine.notClosedOnce()).toEqual([]);
  });

  it("answers trailers that end a gzip body through a promise, with the findings of the end", async () => {
    const { exchange } = open();
    exchange.handle(toRequest(headers("application/json", "gzip")));
    const base64 = gzipSync('{"note":"unterminated').toString("base64");
    expect((await exchange.handle(toRequest({ requestBody: { base64 } }))).map(summarize)).toEqual([
      { kind: "requestBody" },
    ]);
    const trailers = exchange.handle(toRequest({ requestTrailers: { trailers: [["x-t", "1"]] } }));
    expect(trailers).toBeInstanceOf(Promise);
    const [answer] = (await trailers).map(summarize);
    expect(answer?.immediate?.status).toBe(403);
    expect(answer?.dynamicMetadata).toMatchObject({ weir: { signature_ids: [990001] } });
    exchange.close();
  });
});
