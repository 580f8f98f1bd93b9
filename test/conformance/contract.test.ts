/**
 * The ext_proc conformance suite: walks contract §2 (/work/shared/envoy/extproc-contract.md)
 * section by section and checks, for every rule that involves the server, that the REAL weir
 * server with the real engine behaves as Envoy needs. Traffic goes through the Envoy simulator
 * (test/simulator) or, where the simulator cannot express a rule, a raw grpc-js client. Rule ids
 * are listed with their contract paragraph in README.md; rules that cannot apply to a server are
 * in NOT-APPLICABLE.md. Rules marked [inference] or guarded by a runtime switch run both ways.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HeaderList } from "../../src/envoy/index.js";
import { ProcessingRequestSchema } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { wire } from "../server/messages.js";
import {
  bytes,
  getHeaders,
  headersOf,
  kinds,
  patient,
  postHeaders,
  text,
} from "../simulator/helpers.js";
import { runExchange, type SimConfig, type SimExchange } from "../simulator/simulator.js";
import { answerKinds, expectConformant, headerValues, mutationsOf, payloads } from "./checks.js";
import { startWeirUnderTest, type WeirUnderTest } from "./weir-under-test.js";

let weir: WeirUnderTest;
beforeAll(async () => {
  weir = await startWeirUnderTest();
}, 60_000);
afterAll(() => weir?.stop());

const run = (ex: SimExchange, config: SimConfig = {}, mode: "enforce" | "detect" = "enforce") =>
  runExchange({ client: weir.client[mode] }, ex, patient(config));
const post = (chunks: string[], extra: HeaderList = [], trailers: HeaderList | null = null) => ({
  requestHeaders: withContentType(postHeaders(extra.filter(([k]) => k !== "content-type")), extra),
  requestChunks: chunks.map(bytes),
  requestTrailers: trailers,
});
/** postHeaders() with the form content type, or the one `extra` names. */
function withContentType(headers: HeaderList, extra: HeaderList): HeaderList {
  const type =
    extra.find(([k]) => k === "content-type")?.[1] ?? "application/x-www-form-urlencoded";
  return headers.map(([k, v]) => [k, k === "content-type" ? type : v]);
}
const get = (extra: HeaderList = []): SimExchange => ({
  requestHeaders: getHeaders(extra),
  requestChunks: [],
  requestTrailers: null,
});
const withResponse = (ex: SimExchange, chunks: string[], extra: HeaderList = []): SimExchange => ({
  ...ex,
  responseHeaders: [[":status", "200"], ["content-type", "text/html"], ...extra],
  responseChunks: chunks.map(bytes),
  responseTrailers: null,
});
const split = (s: string, n: number): string[] => {
  const size = Math.ceil(s.length / n);
  return Array.from({ length: n }, (_, i) => s.slice(i * size, (i + 1) * size));
};
const TRAILERS_SEND = (mode: "request" | "response" = "request"): SimConfig => ({
  extProc: {
    processingMode:
      mode === "request" ? { requestTrailerMode: "SEND" } : { responseTrailerMode: "SEND" },
  },
});

describe("2.A stream lifecycle", () => {
  it("A1 one stream per HTTP exchange: concurrent exchanges are judged independently", async () => {
    const raw = weir.raw.enforce.observer;
    const before = raw.opened;
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        run(post([i % 2 === 0 ? payloads.attack : payloads.benign])),
      ),
    );
    for (const [i, o] of outcomes.entries()) {
      expectConformant(o);
      expect(o.verdict, `exchange ${i}`).toBe(i % 2 === 0 ? "block" : "allow");
    }
    expect(raw.opened - before).toBe(8);
  });

  it("A2 lazy open: with request_header_mode SKIP the first message is a body", async () => {
    const config: SimConfig = { extProc: { processingMode: { requestHeaderMode: "SKIP" } } };
    const blocked = await run(post([payloads.attack]), config);
    expect(kinds(blocked.sent)[0]).toBe("requestBody");
    expectConformant(blocked);
    expect(blocked.verdict).toBe("block");
    const allowed = await run(post([payloads.benign]), config);
    expectConformant(allowed);
    expect(allowed.verdict).toBe("allow");
  });

  it("A2 lazy open: nothing sent on the request path, the stream opens at response headers", async () => {
    const config: SimConfig = {
      requestBodyMode: "NONE",
      responseBodyMode: "BUFFERED",
      extProc: { processingMode: { requestHeaderMode: "SKIP" } },
    };
    const o = await run(withResponse(get(), [payloads.responseLeak]), config);
    expect(kinds(o.sent)[0]).toBe("responseHeaders");
    expectConformant(o);
    expect(o.localReply?.status).toBe(403);
  });

  for (const graceful of [false, true]) {
    it(`A3 ${graceful ? "graceful half-close" : "half-close then cancel"} is a normal end`, async () => {
      const observer = weir.raw.enforce.observer;
      const closed = observer.closed;
      const errors = observer.errors.length;
      const o = await run(post([payloads.benign]), { switches: { gracefulGrpcClose: graceful } });
      expectConformant(o);
      expect(o.verdict).toBe("allow");
      await observer.whenClosed(closed + 1);
      expect(observer.errors.slice(errors)).toEqual([]);
      const closes = o.transcript.flatMap(({ event }) =>
        event.kind === "stream_closed" ? [event.how] : [],
      );
      expect(closes).not.toContain("server_error");
      // weir never ends the stream before Envoy does (A5: Envoy would stop consulting it).
      if (!graceful) expect(closes).not.toContain("server_ok");
    });
  }

  for (const optimisation of [true, false]) {
    it(`A4 stream close optimisation ${optimisation ? "on" : "off"}: weir never assumes the response phase`, async () => {
      const config: SimConfig = { switches: { streamCloseOptimization: optimisation } };
      const headersOnly = await run(get(), config);
      expectConformant(headersOnly);
      expect(answerKinds(headersOnly)).toEqual(["requestHeaders"]);
      const both = await run(withResponse(get(), ["ok"]), {
        ...config,
        responseBodyMode: "STREAMED",
      });
      expectConformant(both);
      expect(both.response?.body !== undefined && text(both.response.body)).toBe("ok");
    });
  }

  it("A5 after its ImmediateResponse weir sends nothing more and ends the stream OK", async () => {
    const h = weir.raw.enforce;
    const s = h.open();
    s.write(
      wire({
        requestHeaders: { headers: postHeaders([[payloads.attackHeaderName, payloads.attack]]) },
        protocolConfig: { requestBodyMode: "STREAMED", responseBodyMode: "NONE" },
      }),
    );
    expect((await s.next()).response.case).toBe("immediateResponse");
    s.write(wire({ requestBody: { text: payloads.benign, endOfStream: true } }));
    s.write(wire({ responseHeaders: { headers: [[":status", "200"]], endOfStream: true } }));
    s.halfClose();
    expect((await s.status).code).toBe(0);
    expect(s.unread).toBe(0);
  });
});

describe("2.B what every ProcessingRequest contains", () => {
  it("B1 header lists: values in raw_value, repeated headers each inspected", async () => {
    const o = await run(
      get([
        [payloads.attackHeaderName, "harmless"],
        [payloads.attackHeaderName, payloads.attack],
      ]),
    );
    expectConformant(o);
    expect(o.verdict).toBe("block");
    const q = await run({
      ...get(),
      requestHeaders: getHeaders().map(([k, v]) => [
        k,
        k === ":path" ? payloads.attackQueryPath : v,
      ]),
    });
    expect(q.verdict).toBe("block");
  });

  for (const field of ["rawValue", "value"] as const) {
    it(`B1 header values in ${field === "rawValue" ? "raw_value (>=1.27)" : "value (<1.27, or 1.27-1.31 with the flag off)"} are inspected`, async () => {
      const list: HeaderList = [...getHeaders(), [payloads.attackHeaderName, payloads.attack]];
      const headers = list.map(([key, value]) =>
        field === "rawValue"
          ? { key, rawValue: new Uint8Array(Buffer.from(value)) }
          : { key, value },
      );
      const message = create(ProcessingRequestSchema, {
        request: { case: "requestHeaders", value: { headers: { headers }, endOfStream: true } },
        metadataContext: {},
      });
      const s = weir.raw.enforce.open();
      s.write(toBinary(ProcessingRequestSchema, message));
      expect((await s.next()).response.case).toBe("immediateResponse");
      s.halfClose();
      expect((await s.status).code).toBe(0);
    });
  }

  it("B2 content-length is seen but weir never sets it back", async () => {
    // STREAMED: Envoy strips content-length after building request_headers (§2.B-2); weir's
    // header answer (tagging a header-borne finding) must not put it back.
    const body = payloads.benign;
    const extra: HeaderList = [
      ["content-length", String(body.length)],
      [payloads.attackHeaderName, payloads.attack],
    ];
    const o = await run(post([body], extra), { requestBodyMode: "STREAMED" }, "detect");
    expect(headerValues(headersOf(o.sent[0]), "content-length")).toEqual([String(body.length)]);
    expectConformant(o);
    expect(o.verdict).toBe("allow");
    expect(headerValues(o.request.headers, "x-weir-score").length).toBe(1);
    expect(headerValues(o.request.headers, "content-length")).toEqual([]);
  });

  it("B3 metadata_context on every message (empty or forwarded namespaces) is accepted", async () => {
    const o = await run(post([payloads.benign]), {
      extProc: { forwardingMetadata: { "envoy.filters.http.jwt_authn": { sub: "alice" } } },
    });
    expectConformant(o);
    expect(o.sent.every((m) => m.metadataContext !== undefined)).toBe(true);
    expect(o.verdict).toBe("allow");
  });

  for (const sendProtocolConfig of [true, false]) {
    it(`B5 protocol_config ${sendProtocolConfig ? "sent (>=1.34)" : "absent (<1.34)"}: BUFFERED body judged`, async () => {
      const config: SimConfig = { requestBodyMode: "BUFFERED", switches: { sendProtocolConfig } };
      const o = await run(post(split(payloads.attack, 3)), config);
      expect(o.sent[0]?.protocolConfig !== undefined).toBe(sendProtocolConfig);
      expectConformant(o);
      expect(o.verdict).toBe("block");
      const d = await run(post([payloads.attack]), config, "detect");
      expectConformant(d);
      // The BodyResponse's header mutation applies only when weir knows headers are held (C3-3).
      if (sendProtocolConfig)
        expect(headerValues(d.request.headers, "x-weir-signatures").length).toBe(1);
    });
  }
});

describe("2.C message order per processing mode", () => {
  it("C1 headers-only request: one HeadersResponse, nothing else", async () => {
    const o = await run(get(), { requestBodyMode: "BUFFERED" });
    expectConformant(o);
    expect(answerKinds(o)).toEqual(["requestHeaders"]);
    expect(o.request.ended).toBe(true);
  });

  it("C1 bodiless response (HEAD): response headers with end_of_stream answered alone", async () => {
    const ex: SimExchange = {
      ...get(),
      requestHeaders: getHeaders().map(([k, v]) => [k, k === ":method" ? "HEAD" : v]),
      responseHeaders: [[":status", "200"]],
      responseChunks: [],
      responseTrailers: null,
    };
    const o = await run(ex, { responseBodyMode: "BUFFERED" });
    expectConformant(o);
    expect(answerKinds(o)).toEqual(["requestHeaders", "responseHeaders"]);
  });

  for (const mode of [
    "STREAMED",
    "BUFFERED",
    "BUFFERED_PARTIAL",
    "FULL_DUPLEX_STREAMED",
  ] as const) {
    it(`C1 chunked empty body: headers without eos, then one empty chunk with eos (${mode})`, async () => {
      const o = await run(post([""]), { requestBodyMode: mode });
      expectConformant(o, mode === "FULL_DUPLEX_STREAMED");
      expect(o.verdict).toBe("allow");
      expect(o.request.ended).toBe(true);
      expect(o.request.body.byteLength).toBe(0);
    });
  }

  it("C2 body mode NONE: no body messages, trailers answered when SEND", async () => {
    const o = await run(post([payloads.benign], [], [["x-checksum", "abc"]]), {
      requestBodyMode: "NONE",
      ...TRAILERS_SEND(),
    });
    expectConformant(o);
    expect(answerKinds(o)).toEqual(["requestHeaders", "requestTrailers"]);
    expect(o.request.trailers).toEqual([["x-checksum", "abc"]]);
  });

  it("C3 BUFFERED single body: one BodyResponse, attack split across writes refused", async () => {
    const o = await run(post(split(payloads.attack, 4)), { requestBodyMode: "BUFFERED" });
    expectConformant(o);
    expect(kinds(o.sent)).toEqual(["requestHeaders", "requestBody"]);
    expect(o.verdict).toBe("block");
    expect(o.localReply?.status).toBe(403);
  });

  it("C3-3 BUFFERED: the BodyResponse header mutation tags the held headers (detect)", async () => {
    const o = await run(post([payloads.attack]), { requestBodyMode: "BUFFERED" }, "detect");
    expectConformant(o);
    expect(headerValues(o.request.headers, "x-weir-score")).toHaveLength(1);
    expect(text(o.request.body)).toBe(payloads.attack);
  });

  it("C3-1 BUFFERED with trailers: body without end_of_stream, then trailers", async () => {
    const o = await run(post([payloads.benign], [], [["x-t", "1"]]), {
      requestBodyMode: "BUFFERED",
      ...TRAILERS_SEND(),
    });
    expectConformant(o);
    expect(answerKinds(o)).toEqual(["requestHeaders", "requestBody", "requestTrailers"]);
  });

  it("C3-5 BUFFERED + content-length: weir never mutates the body, so lengths always match", async () => {
    const body = payloads.benign;
    const o = await run(post([body], [["content-length", String(body.length)]]), {
      requestBodyMode: "BUFFERED",
    });
    expectConformant(o);
    expect(o.verdict).toBe("allow");
    expect(text(o.request.body)).toBe(body);
    expect(headerValues(o.request.headers, "content-length")).toEqual([String(body.length)]);
  });

  it("C4.1 STREAMED: one BodyResponse per chunk, in order, pipelined", async () => {
    const chunks = split(payloads.benign, 5);
    const o = await run(post(chunks), { requestBodyMode: "STREAMED" });
    expectConformant(o);
    expect(answerKinds(o)).toEqual(["requestHeaders", ...chunks.map(() => "requestBody")]);
    expect(o.request.chunks.map(text)).toEqual(chunks);
  });

  it("C4.1 STREAMED: a signature split across chunks is still found", async () => {
    const o = await run(post(split(payloads.attack, 6)), { requestBodyMode: "STREAMED" });
    expectConformant(o);
    expect(o.verdict).toBe("block");
  });

  it("C4.2 merged chunk after a late header response", async () => {
    const o = await run(post(split(payloads.attack, 4)), {
      requestBodyMode: "STREAMED",
      pacing: "immediate",
    });
    expectConformant(o);
    expect(o.verdict).toBe("block");
    const b = await run(post(split(payloads.benign, 4)), {
      requestBodyMode: "STREAMED",
      pacing: "immediate",
    });
    expectConformant(b);
    expect(kinds(b.sent).filter((k) => k === "requestBody").length).toBeLessThan(4);
    expect(text(b.request.body)).toBe(payloads.benign);
  });

  for (const trailerMode of ["SKIP", "SEND"] as const) {
    it(`C4.3 STREAMED with trailers, trailer mode ${trailerMode}: no body carries end_of_stream`, async () => {
      const o = await run(post(split(payloads.benign, 2), [], [["grpc-status", "0"]]), {
        requestBodyMode: "STREAMED",
        extProc: { processingMode: { requestTrailerMode: trailerMode } },
      });
      expectConformant(o);
      expect(o.verdict).toBe("allow");
      expect(o.request.trailers).toEqual([["grpc-status", "0"]]);
    });
  }

  it("C5 BUFFERED_PARTIAL: one partial message, the rest passes; header mutation applies", async () => {
    const body = `${payloads.attack}&pad=${"a".repeat(3000)}`;
    const config: SimConfig = {
      requestBodyMode: "BUFFERED_PARTIAL",
      extProc: { bufferLimitBytes: 1024 },
    };
    const d = await run(post(split(body, 6)), config, "detect");
    expectConformant(d);
    expect(kinds(d.sent).filter((k) => k === "requestBody")).toHaveLength(1);
    expect(text(d.request.body)).toBe(body);
    expect(headerValues(d.request.headers, "x-weir-score")).toHaveLength(1);
    const e = await run(post(split(body, 6)), config);
    expectConformant(e);
    expect(e.verdict).toBe("block");
  });

  it("C6 FULL_DUPLEX_STREAMED answers with streamed_response ≤64 KiB, eos once", async () => {
    const big = `${payloads.benign}&pad=${"b".repeat(200 * 1024)}`;
    const o = await run(post(split(big, 2)), { requestBodyMode: "FULL_DUPLEX_STREAMED" });
    expectConformant(o, true);
    const streamed = o.received.flatMap((r) => {
      const m =
        r.response.case === "requestBody"
          ? r.response.value.response?.bodyMutation?.mutation
          : undefined;
      return m?.case === "streamedResponse" ? [m.value] : [];
    });
    expect(streamed.length).toBeGreaterThanOrEqual(4);
    expect(streamed.every((s) => s.body.byteLength <= 64 * 1024)).toBe(true);
    expect(streamed.filter((s) => s.endOfStream)).toHaveLength(1);
    expect(streamed.at(-1)?.endOfStream).toBe(true);
    expect(text(o.request.body)).toBe(big);
  });

  it("C6 FULL_DUPLEX_STREAMED with trailers: no eos on bodies, TrailersResponse; attacks refused", async () => {
    const o = await run(post(split(payloads.benign, 2), [], [["x-t", "1"]]), {
      requestBodyMode: "FULL_DUPLEX_STREAMED",
    });
    expectConformant(o, true);
    expect(answerKinds(o).at(-1)).toBe("requestTrailers");
    expect(text(o.request.body)).toBe(payloads.benign);
    const a = await run(post(split(payloads.attack, 3)), {
      requestBodyMode: "FULL_DUPLEX_STREAMED",
    });
    expectConformant(a, true);
    expect(a.verdict).toBe("block");
  });

  it("C6 FULL_DUPLEX_STREAMED on the response path echoes the body", async () => {
    const o = await run(withResponse(get(), ["<p>one</p>", "<p>two</p>"]), {
      responseBodyMode: "FULL_DUPLEX_STREAMED",
    });
    expectConformant(o, true);
    expect(o.response !== null && text(o.response.body)).toBe("<p>one</p><p>two</p>");
  });

  // C6 redaction in FULL_DUPLEX_STREAMED: contract-routes.test.ts.

  for (const noSynthetic of [true, false]) {
    it(`C7 trailers (synthetic empty trailers ${noSynthetic ? "off, >=1.28" : "on, <1.28"})`, async () => {
      const config: SimConfig = {
        requestBodyMode: "STREAMED",
        ...TRAILERS_SEND(),
        switches: { noSyntheticTrailers: noSynthetic },
      };
      const withTrailers = await run(
        post([payloads.benign], [], [[payloads.attackHeaderName, payloads.attack]]),
        config,
      );
      expectConformant(withTrailers);
      expect(withTrailers.verdict).toBe("block");
      const without = await run(post([payloads.benign]), config);
      expectConformant(without);
      expect(without.verdict).toBe("allow");
    });
  }

  for (const mode of ["STREAMED", "BUFFERED"] as const) {
    it(`C8 response path (${mode}): headers not re-sent, response never tagged, leaks refused`, async () => {
      const ok = await run(
        withResponse(get(), ["<p>fine</p>"]),
        { responseBodyMode: mode },
        "detect",
      );
      expectConformant(ok);
      expect(kinds(ok.sent).filter((k) => k === "requestHeaders")).toHaveLength(1);
      const leak = await run(
        withResponse(get(), [payloads.responseLeak]),
        { responseBodyMode: mode },
        "detect",
      );
      expectConformant(leak);
      expect(headerValues(leak.response?.headers ?? null, "x-weir-score")).toEqual([]);
      expect(leak.received.flatMap(mutationsOf).flatMap((m) => m.setHeaders)).toEqual([]);
    });
  }
});

describe("2.C C8 local replies of other filters [inference: 1.37 boundary]", () => {
  for (const processed of [true, false]) {
    it(`C8 router 503 while the request body is mid-way (${processed ? ">=1.37: sent to weir" : "1.34-1.36: skipped"})`, async () => {
      const h = weir.raw.enforce;
      const s = h.open();
      const closed = h.observer.closed;
      s.write(
        wire({
          requestHeaders: { headers: postHeaders() },
          protocolConfig: { requestBodyMode: "STREAMED", responseBodyMode: "NONE" },
        }),
      );
      s.write(wire({ requestBody: { text: payloads.benign.slice(0, 4) } }));
      expect((await s.take(2)).map((a) => a.response.case)).toEqual([
        "requestHeaders",
        "requestBody",
      ]);
      if (processed) {
        // Response body mode NONE: only the reply's headers go to weir.
        s.write(
          wire({
            responseHeaders: {
              headers: [
                [":status", "503"],
                ["content-length", "19"],
              ],
            },
          }),
        );
        expect((await s.take(1)).map((a) => a.response.case)).toEqual(["responseHeaders"]);
      }
      s.halfClose();
      expect((await s.status).code).toBe(0);
      await h.observer.whenClosed(closed + 1);
      expect(h.observer.outcomes.at(-1)).toBe("allow");
    });
  }
});

const MATRIX = [
  "NONE",
  "STREAMED",
  "BUFFERED",
  "BUFFERED_PARTIAL",
  "FULL_DUPLEX_STREAMED",
] as const;

describe("2.D how Envoy checks each server message", () => {
  for (const mode of MATRIX) {
    it(`D1 acceptance: each message answered by its own kind (${mode}, both directions, trailers)`, async () => {
      const ex = withResponse(post(split(payloads.benign, 3), [], [["x-t", "1"]]), ["a", "b"]);
      ex.responseTrailers = [["x-r", "2"]];
      const o = await run(ex, {
        requestBodyMode: mode,
        responseBodyMode: mode,
        extProc: { processingMode: { requestTrailerMode: "SEND", responseTrailerMode: "SEND" } },
      });
      expectConformant(o, mode === "FULL_DUPLEX_STREAMED");
      const sent = [...new Set(kinds(o.sent))];
      expect([...new Set(answerKinds(o))]).toEqual(sent);
      expect(o.response?.trailers).toEqual([["x-r", "2"]]);
    });
  }

  for (const version of ["1.34", "1.37"] as const) {
    it(`D2 no spurious message from weir (Envoy ${version} ${version === "1.37" ? "fails closed" : "ignores"} spurious)`, async () => {
      for (const failureModeAllow of [false, true]) {
        const o = await run(post([payloads.attack]), { envoyVersion: version, failureModeAllow });
        expectConformant(o);
        expect(o.verdict).toBe("block");
      }
    });
  }
});

describe("2.E header mutations", () => {
  it("E1 raw_value only, E2 append explicitly false (overwrite a forged x-weir-score)", async () => {
    const o = await run(
      post([payloads.attack], [["x-weir-score", "0"]]),
      { requestBodyMode: "BUFFERED" },
      "detect",
    );
    expectConformant(o);
    const sets = o.received.flatMap(mutationsOf).flatMap((m) => m.setHeaders);
    expect(sets.length).toBeGreaterThan(0);
    expect(sets.every((s) => (s.header?.rawValue.byteLength ?? 0) > 0)).toBe(true);
    const score = headerValues(o.request.headers, "x-weir-score");
    expect(score).toHaveLength(1);
    expect(score[0]).not.toBe("0");
  });

  it("E3 removals: forged x-weir-* headers are removed when nothing fired", async () => {
    const o = await run(
      get([
        ["x-weir-signatures", "1"],
        ["x-weir-score", "99"],
      ]),
    );
    expectConformant(o);
    expect(headerValues(o.request.headers, "x-weir-signatures")).toEqual([]);
    expect(headerValues(o.request.headers, "x-weir-score")).toEqual([]);
  });

  it("E4 no refused mutations, even with disallow_system and disallow_is_error", async () => {
    const config: SimConfig = {
      requestBodyMode: "BUFFERED",
      extProc: { mutationRules: { disallowSystem: true, disallowIsError: true } },
    };
    for (const ex of [post([payloads.attack]), get([["x-weir-score", "1"]])]) {
      const o = await run(ex, config, "detect");
      expectConformant(o);
      expect(o.verdict).toBe("allow");
    }
  });
});

describe("2.F/2.G body mutations and CONTINUE_AND_REPLACE", () => {
  for (const mode of MATRIX) {
    it(`F bodies pass unchanged (${mode}); G CONTINUE only`, async () => {
      const chunks = split(`${payloads.benign}&x=${"c".repeat(5000)}`, 3);
      const o = await run(post(chunks), {
        requestBodyMode: mode,
        ...(mode === "BUFFERED_PARTIAL" ? { extProc: { bufferLimitBytes: 2048 } } : {}),
      });
      expectConformant(o, mode === "FULL_DUPLEX_STREAMED");
      expect(text(o.request.body)).toBe(chunks.join(""));
    });
  }
});

describe("2.H ImmediateResponse", () => {
  it("H ImmediateResponse shape for HTTP, gRPC, HEAD", async () => {
    const http = await run(post([payloads.attack], [["x-request-id", "req-h-1"]]));
    expectConformant(http);
    expect(http.localReply?.status).toBe(403);
    expect(http.localReply?.details).toMatch(/^\S+$/);
    expect(headerValues(http.localReply?.headers ?? null, "content-type")).toEqual([
      "application/json",
    ]);
    const body = JSON.parse(text(http.localReply?.body ?? new Uint8Array())) as Record<
      string,
      unknown
    >;
    expect(body).toMatchObject({ error: "forbidden", request_id: "req-h-1" });
    expect(text(http.localReply?.body ?? new Uint8Array())).not.toContain("UNION");

    const grpcHeaders: HeaderList = [
      ["content-type", "application/grpc"],
      [payloads.attackHeaderName, payloads.attack],
    ];
    const grpc = await run(post(["\u0000\u0000\u0000\u0000\u0000"], grpcHeaders));
    expect(headerValues(headersOf(grpc.sent[0]), "content-type")).toEqual(["application/grpc"]);
    expectConformant(grpc);
    expect(grpc.localReply?.status).toBe(200);
    expect(grpc.localReply?.grpcStatus).toBe(7);
    expect(grpc.localReply?.body.byteLength).toBe(0);

    const head = await run({
      ...get([[payloads.attackHeaderName, payloads.attack]]),
      requestHeaders: getHeaders([[payloads.attackHeaderName, payloads.attack]]).map(([k, v]) => [
        k,
        k === ":method" ? "HEAD" : v,
      ]),
    });
    expectConformant(head);
    expect(head.localReply?.status).toBe(403);
    expect(head.localReply?.body.byteLength).toBe(0);
  });

  it("H1 dynamic metadata rides on the ImmediateResponse (kept under receiving namespace weir)", async () => {
    const o = await run(post([payloads.attack]), { extProc: { receivingNamespaces: ["weir"] } });
    expectConformant(o);
    expect(o.keptMetadata.weir).toMatchObject({ decision: "block" });
  });

  it("H7a request phase after STREAMED headers went upstream: local reply", async () => {
    const o = await run(post([payloads.benign, payloads.attack]), { requestBodyMode: "STREAMED" });
    expectConformant(o);
    expect(o.request.headers).not.toBeNull();
    expect(o.localReply?.status).toBe(403);
  });

  it("H7b response body BUFFERED (headers held): local reply 403", async () => {
    const o = await run(withResponse(get(), [payloads.responseLeak]), {
      responseBodyMode: "BUFFERED",
    });
    expectConformant(o);
    expect(o.localReply?.status).toBe(403);
    expect(o.reset).toBeNull();
  });

  it("H7c response body STREAMED (headers sent): the client stream is reset", async () => {
    const o = await run(withResponse(get(), ["<p>", payloads.responseLeak]), {
      responseBodyMode: "STREAMED",
    });
    expectConformant(o);
    expect(o.localReply).toBeNull();
    expect(o.reset).not.toBeNull();
  });

  for (const failClose of [true, false]) {
    it(`H8 disable_immediate_response: weir's refusal is spurious (${failClose ? "1.35+ fails closed" : "<1.35 passes"})`, async () => {
      const o = await run(post([payloads.attack]), {
        extProc: { disableImmediateResponse: true },
        switches: { failCloseSpuriousResponse: failClose },
      });
      if (failClose) expect(o.localReply?.cause).toBe("spurious_message");
      else expect(o.failedOpen.length).toBeGreaterThan(0);
    });
  }
});

describe("2.I StreamedImmediateResponse", () => {
  it("I weir never answers with streamed_immediate_response (refusals are ImmediateResponse)", async () => {
    const o = await run(post([payloads.attack]), { requestBodyMode: "FULL_DUPLEX_STREAMED" });
    expectConformant(o, true);
    expect(answerKinds(o)).toContain("immediateResponse");
  });
});

describe("2.J timeouts", () => {
  it("J1 each message is answered before the next one is sent (lock-step client)", async () => {
    const s = weir.raw.enforce.open();
    s.write(
      wire({
        requestHeaders: { headers: postHeaders() },
        protocolConfig: { requestBodyMode: "STREAMED", responseBodyMode: "NONE" },
      }),
    );
    expect((await s.next()).response.case).toBe("requestHeaders");
    s.write(wire({ requestBody: { text: payloads.benign.slice(0, 5) } }));
    expect((await s.next()).response.case).toBe("requestBody");
    s.write(wire({ requestBody: { text: payloads.benign.slice(5), endOfStream: true } }));
    expect((await s.next()).response.case).toBe("requestBody");
    s.halfClose();
    expect((await s.status).code).toBe(0);
  });

  it("J1 FULL_DUPLEX_STREAMED: headers answered without waiting for the body", async () => {
    const s = weir.raw.enforce.open();
    s.write(
      wire({
        requestHeaders: { headers: postHeaders() },
        protocolConfig: { requestBodyMode: "FULL_DUPLEX_STREAMED", responseBodyMode: "NONE" },
      }),
    );
    expect((await s.next()).response.case).toBe("requestHeaders");
    s.cancel();
  });

  it("J3 no override_message_timeout without weir's time budget (checked in every test)", async () => {
    const o = await run(post(split(payloads.benign, 3)), {
      extProc: { maxMessageTimeoutMs: 5000 },
    });
    expectConformant(o);
    expect(o.received.every((r) => r.overrideMessageTimeout === undefined)).toBe(true);
  });
  // J2 and J3 with weir's per-message time budget: contract-timing.test.ts.
});

describe("2.K errors, failure_mode_allow", () => {
  it("K1 a message Envoy never sends ends the stream with a non-OK status", async () => {
    const s = weir.raw.enforce.open();
    s.write(wire({ requestHeaders: { headers: postHeaders(), endOfStream: true } }));
    await s.next();
    s.write(wire({ requestBody: { text: "late", endOfStream: true } }));
    const status = await s.status;
    expect(status.code).not.toBe(0);
  });

  for (const failureModeAllow of [false, true]) {
    it(`K2 failure_mode_allow=${failureModeAllow}: verdicts do not depend on it`, async () => {
      const a = await run(post([payloads.attack]), { failureModeAllow });
      expectConformant(a);
      expect(a.verdict).toBe("block");
      const b = await run(post([payloads.benign]), { failureModeAllow });
      expect(b.verdict).toBe("allow");
    });
  }
});

describe("2.L mode_override", () => {
  it("L mode_override is never sent without a route policy asking for body modes", async () => {
    const o = await run(post(split(payloads.attack, 2)), {
      requestBodyMode: "STREAMED",
      extProc: { allowModeOverride: true },
    });
    expectConformant(o);
    expect(o.verdict).toBe("block");
  });
  // L1/L3 mode_override from a route policy: contract-routes.test.ts.
});

describe("2.M clear_route_cache", () => {
  it("M clear_route_cache is never set (weir changes no routing header)", async () => {
    const o = await run(post([payloads.attack]), { requestBodyMode: "BUFFERED" }, "detect");
    expectConformant(o);
    expect(o.received.length).toBeGreaterThan(0);
  });
});

describe("2.N dynamic_metadata", () => {
  for (const namespaces of [["weir"], []]) {
    it(`N metadata under one namespace, each value a Struct (receiving ${JSON.stringify(namespaces)})`, async () => {
      const o = await run(
        post([payloads.attack]),
        { extProc: { receivingNamespaces: namespaces } },
        "detect",
      );
      expectConformant(o);
      for (const r of o.received) {
        if (r.dynamicMetadata === undefined) continue;
        expect(Object.keys(r.dynamicMetadata)).toEqual(["weir"]);
        expect(typeof r.dynamicMetadata.weir).toBe("object");
      }
      if (namespaces.length > 0) expect(o.keptMetadata.weir).toMatchObject({ decision: "detect" });
      else expect(o.keptMetadata).toEqual({});
    });
  }
});

describe("2.O observability_mode", () => {
  it("O no answers at all; an attack is recorded, not refused", async () => {
    const h = weir.raw.enforce;
    const closed = h.observer.closed;
    const s = h.open();
    s.write(wire({ requestHeaders: { headers: postHeaders() }, observabilityMode: true }));
    s.write(
      wire({ requestBody: { text: payloads.attack, endOfStream: true }, observabilityMode: true }),
    );
    s.halfClose();
    expect((await s.status).code).toBe(0);
    expect(s.unread).toBe(0);
    await h.observer.whenClosed(closed + 1);
    expect(h.observer.outcomes.at(-1)).toBe("detect");
  });
});

describe("2.P send_body_without_waiting_for_header_response", () => {
  it("P bodies before the header answer: answers in order headers, body, body", async () => {
    const s = weir.raw.enforce.open();
    s.write(
      wire({
        requestHeaders: { headers: postHeaders() },
        protocolConfig: { requestBodyMode: "STREAMED", responseBodyMode: "NONE" },
      }),
    );
    s.write(wire({ requestBody: { text: "a=1" } }));
    s.write(wire({ requestBody: { text: "&b=2", endOfStream: true } }));
    const answers = await s.take(3);
    expect(answers.map((a) => a.response.case)).toEqual([
      "requestHeaders",
      "requestBody",
      "requestBody",
    ]);
    s.halfClose();
    expect((await s.status).code).toBe(0);
  });
});

describe("2.Q request_attributes", () => {
  it("Q attributes on the first message are accepted", async () => {
    const o = await run(post([payloads.benign]), {
      extProc: { requestAttributes: { "request.path": "/submit" } },
    });
    expectConformant(o);
    expect(Object.keys(o.sent[0]?.attributes ?? {})).toEqual(["envoy.filters.http.ext_proc"]);
    expect(o.verdict).toBe("allow");
  });
});

describe("2.S gRPC transport", () => {
  it("S1 a BUFFERED body above grpc-js's 4 MiB default is received", async () => {
    const big = `${payloads.benign}&pad=${"d".repeat(5 * 1024 * 1024)}`;
    const o = await run(post([big]), {
      requestBodyMode: "BUFFERED",
      extProc: { bufferLimitBytes: 8 * 1024 * 1024 },
    });
    expectConformant(o);
    expect(o.request.body.byteLength).toBe(big.length);
  });
});
