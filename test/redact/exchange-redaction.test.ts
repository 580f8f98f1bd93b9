/**
 * Response inspection through the Exchange with the built-in leakage signatures: redaction in
 * FULL_DUPLEX_STREAMED (streamed pieces of at most 64 KiB, end_of_stream once, trailers after
 * the held tail, redactions reported, a redacted match never blocks), no rewriting in detect
 * mode or for a content-encoded body, and how a response block is delivered: an
 * ImmediateResponse while Envoy holds the response headers, a counted stream reset after they
 * went downstream.
 */
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Exchange } from "../../src/exchange/exchange.js";
import {
  type ExchangeObserver,
  NOOP_OBSERVER,
  type RedactionRecord,
} from "../../src/exchange/observer.js";
import type { ProcessingResponse } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { compileEngine } from "../../src/inspect/engine.js";
import type {
  Direction,
  DirectionInspector,
  ExchangeInspector,
  HeaderEntry,
  Inspected,
} from "../../src/inspect/types.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";
import type { Decision, Mode } from "../../src/policy/decision.js";
import { routePolicyOf, singlePolicySet } from "../../src/policy/route-policy.js";
import { bodyRewriterOf, type RewritingInspector } from "../../src/redact/body-rewriter.js";
import { loadSignatureFiles } from "../../src/signatures/load.js";
import { type SendSpec, toRequest } from "../exchange/transcript.js";

const LEAKAGE = fileURLToPath(new URL("../../signatures/leakage.yaml", import.meta.url));
const { signatures } = await loadSignatureFiles([LEAKAGE]);
const engine = compileEngine(signatures, { paranoia: 1 });
afterAll(() => engine.retire());

type ModeName = "NONE" | "STREAMED" | "BUFFERED" | "BUFFERED_PARTIAL" | "FULL_DUPLEX_STREAMED";

class Recorder {
  readonly decisions: string[] = [];
  readonly redactions: { direction: Direction; record: RedactionRecord }[] = [];
  readonly resets: { direction: Direction; reason: string }[] = [];
  readonly observer: ExchangeObserver = {
    ...NOOP_OBSERVER,
    decided: (direction: Direction, decision: Decision) => {
      this.decisions.push(`${direction}:${decision.kind}`);
      if (decision.kind === "block" && decision.streamReset === true) {
        this.resets.push({ direction, reason: decision.reason });
      }
    },
    redacted: (direction: Direction, record: RedactionRecord) => {
      this.redactions.push({ direction, record });
    },
  };

  redactedIds(): number[] {
    return this.redactions.flatMap((r) => r.record.matches.map((m) => m.signatureId));
  }
}

interface Run {
  readonly exchange: Exchange;
  readonly recorder: Recorder;
  send(spec: SendSpec): Promise<ProcessingResponse[]>;
}

/**
 * A decorator like the time budget's (src/inspect/budget-direction.ts) once it ran out of
 * time with `onBudgetExceeded: open`: it passes its inner inspector's rewriter on, and stops
 * handing body bytes to the inner inspector after `budget` bytes.
 */
class CuttingDirection implements DirectionInspector, RewritingInspector {
  #handed = 0;
  constructor(
    private readonly inner: DirectionInspector,
    private readonly budget: number,
  ) {}
  get rewriter() {
    return bodyRewriterOf(this.inner);
  }
  get bytesSeen() {
    return this.inner.bytesSeen;
  }
  get bytesInspected() {
    return this.inner.bytesInspected;
  }
  headers(headers: readonly HeaderEntry[], endOfStream: boolean) {
    return this.inner.headers(headers, endOfStream);
  }
  body(chunk: Uint8Array, endOfStream: boolean): Inspected {
    const room = Math.max(this.budget - this.#handed, 0);
    if (room === 0) return [];
    this.#handed += Math.min(room, chunk.byteLength);
    if (room >= chunk.byteLength) return this.inner.body(chunk, endOfStream);
    return this.inner.body(chunk.subarray(0, room), false);
  }
  trailers(trailers: readonly HeaderEntry[]) {
    return this.inner.trailers(trailers);
  }
  close() {
    this.inner.close();
  }
}

function cutting(inspector: ExchangeInspector, budget: number): ExchangeInspector {
  return {
    request: inspector.request,
    response: new CuttingDirection(inspector.response, budget),
    close: () => inspector.close(),
  };
}

async function start(
  responseMode: ModeName,
  mode: Mode = "enforce",
  wrap: (inspector: ExchangeInspector) => ExchangeInspector = (i) => i,
): Promise<Run> {
  const recorder = new Recorder();
  const exchange = new Exchange({
    inspector: wrap(engine.openExchange()),
    policies: singlePolicySet(routePolicyOf({ ...DEFAULT_POLICY, mode })),
    observer: recorder.observer,
  });
  const send = async (spec: SendSpec) => exchange.handle(toRequest(spec));
  const first = await send({
    requestHeaders: {
      headers: [
        [":method", "GET"],
        [":path", "/account"],
        ["x-request-id", "req-redact"],
      ],
      endOfStream: true,
    },
    protocolConfig: { requestBodyMode: "NONE", responseBodyMode: responseMode },
  });
  expect(first.map((a) => a.response.case)).toEqual(["requestHeaders"]);
  return { exchange, recorder, send };
}

function headers(extra: [string, string][] = []): SendSpec {
  return {
    responseHeaders: {
      headers: [[":status", "200"], ["content-type", "application/json"], ...extra],
    },
  };
}

interface Piece {
  readonly body: Uint8Array;
  readonly endOfStream: boolean;
}

function pieces(answers: ProcessingResponse[]): Piece[] {
  return answers.map((a) => {
    const r = a.response;
    if (r.case !== "responseBody") throw new Error(`expected a responseBody answer, got ${r.case}`);
    const m = r.value.response?.bodyMutation?.mutation;
    if (m?.case !== "streamedResponse") throw new Error("expected a streamed_response");
    return { body: m.value.body, endOfStream: m.value.endOfStream };
  });
}

const text = (parts: readonly Piece[]) => Buffer.concat(parts.map((p) => p.body)).toString();

describe("FULL_DUPLEX_STREAMED response redaction", () => {
  it("masks a card number cut across chunks and reports it, without blocking", async () => {
    const run = await start("FULL_DUPLEX_STREAMED");
    expect((await run.send(headers())).map((a) => a.response.case)).toEqual(["responseHeaders"]);
    const out: Piece[] = [];
    for (const chunk of ['{"name":"Ada","pan":"4111 1111', " 1111 1111", '","exp":"12/29"}']) {
      out.push(...pieces(await run.send({ responseBody: { text: chunk } })));
    }
    out.push(...pieces(await run.send({ responseBody: { text: "", endOfStream: true } })));
    expect(text(out)).toBe('{"name":"Ada","pan":"*******************","exp":"12/29"}');
    expect(out.filter((p) => p.endOfStream)).toHaveLength(1);
    expect(out.at(-1)?.endOfStream).toBe(true);
    expect(run.recorder.redactedIds()).toEqual([113200]);
    expect(run.recorder.redactions[0]?.record.maskedBytes).toBe(19);
    expect(run.recorder.decisions).toEqual([]);
    expect(run.exchange.outcome()).toBe("allow");
    run.exchange.close();
  });

  it("streams a large body back in pieces of at most 64 KiB, redacted, end_of_stream once", async () => {
    const run = await start("FULL_DUPLEX_STREAMED");
    await run.send(headers());
    const filler = "x".repeat(150_000);
    const body = `${filler} AKIAIOSFODNN7EXAMPLE ${filler}`;
    const out = pieces(await run.send({ responseBody: { text: body, endOfStream: true } }));
    expect(out.every((p) => p.body.byteLength <= 64 * 1024)).toBe(true);
    expect(out.map((p) => p.endOfStream)).toEqual([...out.slice(1).map(() => false), true]);
    expect(text(out)).toBe(`${filler} ${"*".repeat(20)} ${filler}`);
    run.exchange.close();
  });

  it("answers trailers after the held tail, without end_of_stream on any piece", async () => {
    const run = await start("FULL_DUPLEX_STREAMED");
    await run.send(headers());
    const first = pieces(
      await run.send({ responseBody: { text: "token ghp_1a2B3c4D5e6F7g8H9i0J" } }),
    );
    const answers = await run.send({
      responseTrailers: { trailers: [["grpc-status", "0"]] },
    });
    expect(answers.at(-1)?.response.case).toBe("responseTrailers");
    const rest = pieces(answers.slice(0, -1));
    expect(text([...first, ...rest])).toBe("token ghp_1a2B3c4D5e6F7g8H9i0J");
    expect([...first, ...rest].some((p) => p.endOfStream)).toBe(false);
    run.exchange.close();
  });

  it("answers a chunk it holds back entirely with no piece", async () => {
    const run = await start("FULL_DUPLEX_STREAMED");
    await run.send(headers());
    expect(await run.send({ responseBody: { text: "short" } })).toEqual([]);
    const out = pieces(await run.send({ responseBody: { text: " body", endOfStream: true } }));
    expect(text(out)).toBe("short body");
    run.exchange.close();
  });

  it("forwards the whole body when a decorator stops feeding the rewriter mid-body", async () => {
    // The first 40 bytes reach the rewriter; the rest passes as it came (uninspected).
    const run = await start("FULL_DUPLEX_STREAMED", "enforce", (i) => cutting(i, 40));
    await run.send(headers());
    const chunks = ['{"a":"4111111111111111","b":"', 'x","c":"4111111111111111"}'];
    const out: Piece[] = [];
    for (const chunk of chunks)
      out.push(...pieces(await run.send({ responseBody: { text: chunk } })));
    out.push(...pieces(await run.send({ responseBody: { text: "", endOfStream: true } })));
    expect(text(out)).toBe('{"a":"****************","b":"x","c":"4111111111111111"}');
    expect(out.filter((p) => p.endOfStream)).toHaveLength(1);
    expect(run.recorder.redactedIds()).toEqual([113200]);
    run.exchange.close();
  });

  it("only records in detect mode: the body passes unchanged", async () => {
    const run = await start("FULL_DUPLEX_STREAMED", "detect");
    await run.send(headers());
    const body = '{"pan":"4111111111111111"}';
    const out = pieces(await run.send({ responseBody: { text: body, endOfStream: true } }));
    expect(text(out)).toBe(body);
    expect(run.recorder.redactions).toEqual([]);
    expect(run.recorder.decisions).toEqual(["response:detect"]);
    run.exchange.close();
  });

  it("does not rewrite a content-encoded body: the leak is a finding, and blocks by reset", async () => {
    const run = await start("FULL_DUPLEX_STREAMED");
    await run.send(headers([["content-encoding", "gzip"]]));
    const answers = await run.send({
      responseBody: { text: '{"pan":"4111111111111111"}', endOfStream: true },
    });
    expect(answers.map((a) => a.response.case)).toEqual(["immediateResponse"]);
    expect(run.recorder.redactions).toEqual([]);
    expect(run.recorder.resets).toEqual([{ direction: "response", reason: "signature" }]);
    run.exchange.close();
  });

  it("blocks a leak it cannot redact (a stack trace) by resetting the stream", async () => {
    const run = await start("FULL_DUPLEX_STREAMED");
    await run.send(headers());
    const answers = await run.send({
      responseBody: { text: "Traceback (most recent call last):\n  File x" },
    });
    expect(answers.map((a) => a.response.case)).toEqual(["immediateResponse"]);
    expect(run.recorder.decisions).toEqual(["response:block"]);
    expect(run.recorder.resets).toEqual([{ direction: "response", reason: "signature" }]);
    run.exchange.close();
  });
});

describe("delivery of a response block", () => {
  const sqlError = "You have an error in your SQL syntax; check the manual";

  it.each([
    ["STREAMED", true],
    ["BUFFERED", false],
    ["BUFFERED_PARTIAL", false],
  ] as const)("in %s body mode: stream reset %s", async (mode, reset) => {
    const run = await start(mode);
    await run.send(headers());
    const answers = await run.send({ responseBody: { text: sqlError, endOfStream: true } });
    expect(answers.map((a) => a.response.case)).toEqual(["immediateResponse"]);
    expect(run.recorder.decisions).toEqual(["response:block"]);
    expect(run.recorder.resets).toEqual(
      reset ? [{ direction: "response", reason: "signature" }] : [],
    );
    run.exchange.close();
  });

  it("a leak in the response headers is a 403 before anything went downstream", async () => {
    const run = await start("STREAMED");
    const answers = await run.send(headers([["x-debug-key", "AKIAIOSFODNN7EXAMPLE"]]));
    const immediate = answers[0]?.response;
    expect(immediate?.case).toBe("immediateResponse");
    expect(immediate?.case === "immediateResponse" ? immediate.value.status?.code : 0).toBe(403);
    expect(run.recorder.resets).toEqual([]);
    run.exchange.close();
  });

  it("a leak in response trailers after a STREAMED body resets", async () => {
    const run = await start("STREAMED");
    await run.send(headers());
    await run.send({ responseBody: { text: "ok" } });
    const answers = await run.send({
      responseTrailers: { trailers: [["x-error", "ORA-00933: SQL command not properly ended"]] },
    });
    expect(answers.map((a) => a.response.case)).toEqual(["immediateResponse"]);
    expect(run.recorder.resets).toEqual([{ direction: "response", reason: "signature" }]);
    run.exchange.close();
  });
});
