/**
 * Conformance, contract §2.C, §2.B-4 and one report after the contract's snapshot: trailers in
 * every body mode, request and response phases interleaved on one stream, what a STREAMED body
 * answer carries, response attributes, and a body message after end_of_stream. The REAL weir
 * (built-in signatures) through the Envoy simulator; each test names its rule and the switch or
 * setting it runs with.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HeaderList, resolveConfig } from "../../src/envoy/index.js";
import { Harness } from "../server/grpc-harness.js";
import { bytes, getHeaders, kinds, patient, postHeaders, text } from "../simulator/helpers.js";
import {
  ExchangeRecorder,
  runExchange,
  type SimConfig,
  type SimExchange,
} from "../simulator/simulator.js";
import { answerKinds, expectConformant, mutationsOf, payloads } from "./checks.js";
import { startWeirUnderTest, type WeirUnderTest } from "./weir-under-test.js";

let weir: WeirUnderTest;
let strict: Harness;
beforeAll(async () => {
  weir = await startWeirUnderTest();
  strict = await Harness.start({
    engine: () => weir.engine,
    server: { acknowledgeBodyAfterEndOfStream: false },
  });
}, 60_000);
afterAll(() => {
  strict?.close();
  weir?.stop();
});

const run = (ex: SimExchange, config: SimConfig = {}, mode: "enforce" | "detect" = "enforce") =>
  runExchange({ client: weir.client[mode] }, ex, patient(config));

const FORM: HeaderList = [["content-type", "application/x-www-form-urlencoded"]];
const post = (chunks: string[], trailers: HeaderList | null = null): SimExchange => ({
  requestHeaders: postHeaders()
    .filter(([k]) => k !== "content-type")
    .concat(FORM),
  requestChunks: chunks.map(bytes),
  requestTrailers: trailers,
});

const MODES = ["NONE", "STREAMED", "BUFFERED", "BUFFERED_PARTIAL", "FULL_DUPLEX_STREAMED"] as const;
const TRAILERS_SEND: SimConfig["extProc"] = {
  processingMode: { requestTrailerMode: "SEND", responseTrailerMode: "SEND" },
};

describe("2.C C7 trailers in every body mode", () => {
  for (const mode of MODES) {
    it(`C7 request trailers (${mode}): answered with a TrailersResponse, inspected, refused on an attack`, async () => {
      const duplex = mode === "FULL_DUPLEX_STREAMED";
      const config: SimConfig = { requestBodyMode: mode, extProc: TRAILERS_SEND };
      const benign = await run(post(["a=1", "&b=2"], [["x-checksum", "abc"]]), config);
      expectConformant(benign, duplex);
      expect(answerKinds(benign).at(-1)).toBe("requestTrailers");
      expect(benign.request.trailers).toEqual([["x-checksum", "abc"]]);
      expect(text(benign.request.body)).toBe("a=1&b=2");
      const attack = await run(
        post(["a=1", "&b=2"], [[payloads.attackHeaderName, payloads.attack]]),
        config,
      );
      expectConformant(attack, duplex);
      expect(attack.verdict).toBe("block");
      expect(kinds(attack.sent).at(-1)).toBe("requestTrailers");
    });

    it(`C7 response trailers (${mode}): answered with a TrailersResponse and released`, async () => {
      const duplex = mode === "FULL_DUPLEX_STREAMED";
      const ex: SimExchange = {
        requestHeaders: getHeaders(),
        requestChunks: [],
        requestTrailers: null,
        responseHeaders: [
          [":status", "200"],
          ["content-type", "text/plain"],
        ],
        responseChunks: [bytes("one"), bytes("two")],
        responseTrailers: [["x-r", "2"]],
      };
      const o = await run(ex, { responseBodyMode: mode, extProc: TRAILERS_SEND });
      expectConformant(o, duplex);
      expect(answerKinds(o).at(-1)).toBe("responseTrailers");
      expect(o.response?.trailers).toEqual([["x-r", "2"]]);
      expect(o.response !== null && text(o.response.body)).toBe("onetwo");
    });
  }
});

describe("2.C C8 request and response phases interleaved on one stream", () => {
  for (const mode of ["STREAMED", "FULL_DUPLEX_STREAMED"] as const) {
    it(`C8 the upstream answers while the request body still streams (${mode}): both directions judged apart`, async () => {
      const duplex = mode === "FULL_DUPLEX_STREAMED";
      const config = resolveConfig({
        messageTimeoutMs: 10_000,
        processingMode: { requestBodyMode: mode, responseBodyMode: mode },
      });
      const run = new ExchangeRecorder(10_000);
      const ex = weir.client.enforce.exchange(run.callbacks(), {
        config,
        observer: (event) => run.record(event),
      });
      try {
        ex.decodeHeaders(post([]).requestHeaders, false);
        await run.until(() => run.request.headers !== null || duplex || run.ended);
        ex.decodeData(bytes("a=1"), false);
        await run.until(() => run.request.chunks.length > 0 || run.ended);
        // The upstream's answer arrives before the request's end.
        ex.encodeHeaders(
          [
            [":status", "200"],
            ["content-type", "text/plain"],
          ],
          false,
        );
        await run.until(() => run.response.headers !== null || duplex || run.ended);
        ex.encodeData(bytes("early "), false);
        ex.decodeData(bytes("&b=2"), true);
        ex.encodeData(bytes("answer"), true);
        await run.until(() => (run.request.ended && run.response.ended) || run.ended);
      } finally {
        ex.destroy();
        run.stop();
      }
      const o = run.outcome(ex);
      expectConformant(o, duplex);
      expect(o.verdict).toBe("allow");
      expect(text(o.request.body)).toBe("a=1&b=2");
      expect(text(Buffer.concat(o.response?.chunks ?? run.response.chunks))).toBe("early answer");
      // Messages of both directions were interleaved on the wire, each answered by its kind.
      const sent = kinds(o.sent);
      expect(sent.indexOf("responseHeaders")).toBeLessThan(sent.lastIndexOf("requestBody"));
    });
  }
});

describe("2.C C4-4 / 2.B-4 what weir sends and accepts mid-stream", () => {
  it("C4-4 STREAMED body answers carry no header_mutation (Envoy forwarded the headers already)", async () => {
    const o = await run(
      post(["a=1", `&q=${payloads.attack}`]),
      { requestBodyMode: "STREAMED" },
      "detect",
    );
    expectConformant(o);
    const bodyAnswers = o.received.filter((r) => r.response.case === "requestBody");
    expect(bodyAnswers).toHaveLength(2);
    expect(bodyAnswers.flatMap(mutationsOf)).toEqual([]);
  });

  it("Q response_attributes ride on the first response message and are accepted", async () => {
    const ex: SimExchange = {
      requestHeaders: getHeaders(),
      requestChunks: [],
      requestTrailers: null,
      responseHeaders: [[":status", "200"]],
      responseChunks: [bytes("ok")],
      responseTrailers: null,
    };
    const o = await run(ex, {
      responseBodyMode: "STREAMED",
      extProc: { responseAttributes: { "response.code": 200 } },
    });
    expectConformant(o);
    const firstResponse = o.sent.find((m) => m.request.case === "responseHeaders");
    expect(Object.keys(firstResponse?.attributes ?? {})).toEqual(["envoy.filters.http.ext_proc"]);
    expect(o.verdict).toBe("allow");
  });
});

describe("[post-snapshot report] a body message after end_of_stream (envoy#46237, envoy#36119)", () => {
  const duplicated: SimConfig = {
    requestBodyMode: "FULL_DUPLEX_STREAMED",
    extProc: { processingMode: { requestTrailerMode: "SEND" } },
    switches: { redeliverLastBodyChunk: true },
  };
  const replayed: SimConfig = {
    requestBodyMode: "STREAMED",
    switches: { replayBodyAfterEndOfStream: true },
  };

  // A JSON body whose duplicated end, if parsed again, would make invalid JSON (json_syntax,
  // a protocol refusal): an allow shows the extra messages were not inspected.
  const JSON_CHUNKS = ['{"a":', "1}"];
  const json = (chunks: string[]): SimExchange => ({
    requestHeaders: postHeaders().map(([k, v]): [string, string] => [
      k,
      k === "content-type" ? "application/json" : v,
    ]),
    requestChunks: chunks.map(bytes),
    requestTrailers: null,
  });

  it("C1 control: the bytes a re-parse would see are refused as invalid JSON", async () => {
    for (const body of ['{"a":1}1}', '{"a":1}{"a":1}']) {
      const o = await run(json([body]), { requestBodyMode: "STREAMED" });
      expect(o.verdict, body).toBe("block");
    }
  });

  it("C1 (switch redeliverLastBodyChunk, FULL_DUPLEX_STREAMED) the duplicate is acknowledged, nothing forwarded twice", async () => {
    const o = await run(json(JSON_CHUNKS), duplicated);
    expectConformant(o, true);
    expect(o.verdict).toBe("allow");
    expect(text(o.request.body)).toBe(JSON_CHUNKS.join(""));
    expect(kinds(o.sent).filter((k) => k === "requestBody")).toHaveLength(3);
  });

  it("C1 (switch replayBodyAfterEndOfStream, STREAMED) every replayed message is acknowledged, not re-inspected", async () => {
    const o = await run(json(JSON_CHUNKS), replayed);
    expectConformant(o);
    expect(o.verdict).toBe("allow");
    expect(answerKinds(o)).toEqual(kinds(o.sent));
    expect(kinds(o.sent).filter((k) => k === "requestBody")).toHaveLength(4);
  });

  for (const [name, config] of [
    ["FULL_DUPLEX_STREAMED", duplicated],
    ["STREAMED", replayed],
  ] as const) {
    it(`C1 (server option acknowledgeBodyAfterEndOfStream=false, ${name}) the contract's state machine: FAILED_PRECONDITION, Envoy fails closed`, async () => {
      const o = await runExchange(
        { address: strict.target },
        post(["a=1", "&b=2"]),
        patient(config),
      );
      expect(o.localReply?.cause).toBe("grpc_error");
      expect(o.localReply?.details).toMatch(/^ext_proc_error_gRPC_error_9\{/);
      expect(strict.observer.errors).toContain("message_after_end_of_stream");
    });
  }
});
