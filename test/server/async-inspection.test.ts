/**
 * Asynchronous inspection over real grpc-js streams: a body whose inspection waits (a
 * Content-Encoding being undone) holds back the stream's later messages and its half-close, so
 * every stream's answers stay in message order (I3), while other streams on the same connection
 * are answered independently; a failed inspection ends its own stream only (I6). The last test
 * drives the handler with a call that delivers messages even while paused, so the queue itself
 * (not only grpc-js's pause) is what keeps the order.
 */
import { EventEmitter } from "node:events";
import { gzipSync } from "node:zlib";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import type { ProcessingResponse } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";
import { extProcHandler, type ProcessCall } from "../../src/server/ext-proc-service.js";
import { fixedRuntime } from "../../src/server/index.js";
import { signatureEngine } from "../exchange/counting-engine.js";
import { RecordingObserver } from "../exchange/recording-observer.js";
import { type AnswerSummary, type SendSpec, summarize, toRequest } from "../exchange/transcript.js";
import { asyncBodyEngine } from "./async-engine.js";
import { Harness, type ProcessStream } from "./grpc-harness.js";
import { post, requestBody, streamedPostHeaders, wire } from "./messages.js";

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

const STREAMED = { requestBodyMode: "STREAMED", responseBodyMode: "NONE" } as const;

function gzipHeaders(requestId: string): Uint8Array {
  const headers = post(requestId).map(([k, v]): [string, string] =>
    k === "content-type" ? [k, "application/json"] : [k, v],
  );
  headers.push(["content-encoding", "gzip"]);
  return wire({ requestHeaders: { headers }, protocolConfig: STREAMED });
}

/** One gzip member per chunk: the decoded body is the concatenation of `parts`. */
function gzipChunk(part: string, endOfStream = false): Uint8Array {
  return requestBody({ base64: gzipSync(part).toString("base64"), endOfStream });
}

/** Letters from a fixed seed: text that compresses poorly, so inflating it takes many turns. */
function noise(length: number): string {
  let state = 12345;
  let out = "";
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += String.fromCharCode(97 + ((state >>> 16) % 26));
  }
  return out;
}

async function kinds(stream: ProcessStream, count: number): Promise<string[]> {
  return (await stream.take(count)).map((a) => summarize(a).kind);
}

/** A body answer that carries the exchange's findings (SUSPECT: detect, score 2). */
const SUSPECT_ANSWER: AnswerSummary = {
  kind: "requestBody",
  dynamicMetadata: {
    weir: {
      decision: "detect",
      score: 2,
      route: "default",
      signature_ids: [100002],
      families: ["xss"],
      mode: "enforce",
    },
  },
};

describe("asynchronous inspection", () => {
  it("answers a pipelined gzip stream in order while a plain stream on the same connection goes on", async () => {
    const engine = signatureEngine();
    harness = await Harness.start({ engine: () => engine });
    const client = harness.client();
    const gz = harness.open(client);
    const plain = harness.open(client);
    // Everything is written at once: the gzip stream's later messages arrive while its first
    // body (300 kB of text, inflated in many zlib rounds) is still being inflated, and the plain
    // stream's messages interleave with them.
    gz.write(gzipHeaders("req-gz"));
    plain.write(streamedPostHeaders("req-plain"));
    gz.write(gzipChunk(`{"a":"${noise(300_000)}",`));
    plain.write(requestBody({ text: "a=1&" }));
    gz.write(gzipChunk('"b":"still benign",'));
    plain.write(requestBody({ text: "b=2", endOfStream: true }));
    gz.write(gzipChunk(`"note":"x' or 1=1",`));
    gz.write(gzipChunk('"z":0}', true));
    gz.halfClose();
    plain.halfClose();

    expect(await kinds(plain, 3)).toEqual(["requestHeaders", "requestBody", "requestBody"]);
    const answers = (await gz.take(4)).map(summarize);
    expect(answers.map((a) => a.kind)).toEqual([
      "requestHeaders",
      "requestBody",
      "requestBody",
      "immediateResponse",
    ]);
    expect(answers[3]?.immediate?.status).toBe(403);
    expect((await gz.status).code).toBe(grpc.status.OK);
    expect((await plain.status).code).toBe(grpc.status.OK);
    expect(gz.unread).toBe(0);

    await harness.observer.whenClosed(2);
    expect(harness.observer.errors).toEqual([]);
    expect([...harness.observer.outcomes].sort()).toEqual(["allow", "block"]);
    expect(engine.notClosedOnce()).toEqual([]);
  });

  it("keeps answers in message order when a later message would finish inspection first", async () => {
    // Later calls settle sooner: answering in completion order would put the metadata of the
    // chunk carrying SUSPECT on the wrong answer.
    const engine = asyncBodyEngine({ delayMs: (call) => Math.max(0, 40 - 15 * call) });
    harness = await Harness.start({ engine: () => engine });
    const stream = harness.open();
    stream.write(streamedPostHeaders("req-order"));
    stream.write(requestBody({ text: "a=1&" }));
    stream.write(requestBody({ text: "b=SUSPECT&" }));
    stream.write(requestBody({ text: "c=3", endOfStream: true }));
    stream.halfClose();

    const answers = (await stream.take(4)).map(summarize);
    expect(answers).toEqual([
      { kind: "requestHeaders" },
      { kind: "requestBody" },
      SUSPECT_ANSWER,
      SUSPECT_ANSWER, // the last answer of a direction with findings repeats them
    ]);
    expect((await stream.status).code).toBe(grpc.status.OK);
    await harness.observer.whenClosed(1);
    expect(harness.observer.phases).toEqual([
      "request_headers",
      "request_body",
      "request_body",
      "request_body",
    ]);
    expect(harness.observer.outcomes).toEqual(["detect"]);
    expect(engine.notClosedOnce()).toEqual([]);
  });

  it("ends only the stream whose inspection rejects, with INTERNAL, counted and logged", async () => {
    const engine = asyncBodyEngine({ delayMs: () => 5, rejectOn: "BOOM" });
    harness = await Harness.start({ engine: () => engine });
    const client = harness.client();
    const good = harness.open(client);
    const bad = harness.open(client);
    good.write(streamedPostHeaders("req-fine"));
    bad.write(streamedPostHeaders("req-boom"));
    bad.write(requestBody({ text: "x=BOOM" }));
    bad.write(requestBody({ text: "y=queued behind the failure", endOfStream: true }));
    good.write(requestBody({ text: "a=1" }));
    good.write(requestBody({ text: "b=2", endOfStream: true }));

    expect(await kinds(bad, 1)).toEqual(["requestHeaders"]);
    const status = await bad.status;
    expect(status.code).toBe(grpc.status.INTERNAL);
    expect(status.details).not.toContain("BOOM");
    expect(await kinds(good, 3)).toEqual(["requestHeaders", "requestBody", "requestBody"]);
    good.halfClose();
    expect((await good.status).code).toBe(grpc.status.OK);

    await harness.observer.whenClosed(2);
    expect(harness.observer.errors).toEqual(["internal_error"]);
    expect([...harness.observer.outcomes].sort()).toEqual(["allow", "error"]);
    expect(engine.notClosedOnce()).toEqual([]);
    const failure = harness.logs.find((l) => l.event === "ext_proc_stream_failed");
    expect(failure?.fields).toMatchObject({ reason: "internal_error", request_id: "req-boom" });
    expect(String(failure?.fields.message)).toContain("inflate stage exploded");
  });

  it("closes the inspector once when the client cancels during a pending inspection, and writes nothing after", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let started: () => void = () => {};
    const pending = new Promise<void>((resolve) => {
      started = resolve;
    });
    const engine = asyncBodyEngine({ gate, onCall: () => started() });
    harness = await Harness.start({ engine: () => engine });
    const stream = harness.open();
    stream.write(streamedPostHeaders("req-cancel"));
    expect(await kinds(stream, 1)).toEqual(["requestHeaders"]);
    stream.write(requestBody({ text: "a=ATTACK" }));
    stream.write(requestBody({ text: "b=2", endOfStream: true }));
    // The first body is pending (nothing can be answered until the gate opens); cancel now.
    await pending;
    stream.cancel();
    expect((await stream.status).code).toBe(grpc.status.CANCELLED);
    await harness.observer.whenClosed(1);
    open();
    await gate;
    await new Promise((resolve) => setImmediate(resolve));

    expect(stream.unread).toBe(0);
    expect(engine.notClosedOnce()).toEqual([]);
    expect(harness.observer.decisions).toEqual([]);
    expect(harness.observer.errors).toEqual(["client_cancelled"]);
    // The server goes on serving.
    const next = harness.open();
    next.write(streamedPostHeaders("req-next"));
    expect(await kinds(next, 1)).toEqual(["requestHeaders"]);
  });
});

/** A stand-in for grpc-js's server call that keeps delivering messages even while paused. */
class EagerCall extends EventEmitter {
  readonly written: ProcessingResponse[] = [];
  paused = false;
  ended = false;
  write(answer: ProcessingResponse): boolean {
    this.written.push(answer);
    return true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  end(): void {
    this.ended = true;
  }
  getDeadline(): number {
    return Number.POSITIVE_INFINITY;
  }
}

describe("the per-stream queue", () => {
  it("handles messages and the half-close that arrive during a pending inspection in arrival order", async () => {
    const engine = asyncBodyEngine({ delayMs: (call) => Math.max(0, 30 - 10 * call) });
    const observer = new RecordingObserver();
    const call = new EagerCall();
    extProcHandler({
      runtime: fixedRuntime(() => engine, DEFAULT_POLICY),
      observer,
      log: () => {},
    })(call as unknown as ProcessCall);
    const send = (spec: SendSpec) => call.emit("data", toRequest(spec));
    send({ requestHeaders: { headers: post("req-eager") }, protocolConfig: STREAMED });
    send({ requestBody: { text: "a=1&" } });
    expect(call.paused).toBe(true);
    send({ requestBody: { text: "b=SUSPECT&" } });
    send({ requestBody: { text: "c=3", endOfStream: true } });
    call.emit("end");
    expect(call.ended).toBe(false);

    await observer.whenClosed(1);
    expect(call.ended).toBe(true);
    expect(call.written.map(summarize)).toEqual([
      { kind: "requestHeaders" },
      { kind: "requestBody" },
      SUSPECT_ANSWER,
      SUSPECT_ANSWER,
    ]);
    expect(observer.errors).toEqual([]);
    expect(engine.notClosedOnce()).toEqual([]);
  });
});
