/**
 * The one runner for test/fixtures/transcripts/*.json. Each transcript runs twice: against an
 * Exchange directly (bytes decoded as the server decodes them, errors mapped by the server's
 * statusForError), and over a real grpc-js stream to a weir server on 127.0.0.1, where the
 * observer's view of the stream (errors, outcome, open/close counts) is checked as well.
 * A transcript runs on the fake engine, or on the real one with the fixture signatures
 * (`"engine": "signatures"`), where bodies with a Content-Encoding are inspected asynchronously.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { Exchange } from "../../src/exchange/exchange.js";
import { ProcessingRequestSchema } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { statusForError } from "../../src/server/ext-proc-service.js";
import { decodeOrMalformed, MalformedMessage } from "../../src/server/service-definition.js";
import { Harness } from "../server/grpc-harness.js";
import { type CountingEngine, signatureEngine } from "./counting-engine.js";
import { FakeEngine } from "./fake-engine.js";
import { RecordingObserver } from "./recording-observer.js";
import {
  hitsOf,
  loadTranscripts,
  policySetOf,
  type StreamEnd,
  stepBytes,
  summarize,
  type Transcript,
} from "./transcript.js";

const transcripts = loadTranscripts();

function decisionsOf(observer: RecordingObserver): string[] {
  return observer.decisions.map((d) => `${d.direction}:${d.kind}`);
}

function expectEnd(actual: { code: grpc.status; details: string }, expected: StreamEnd): void {
  expect(grpc.status[actual.code]).toBe(expected.status);
  expect(actual.details.startsWith(expected.detailsPrefix), actual.details).toBe(true);
}

/** The engine a transcript runs on; both kinds count exchanges and their closes. */
function engineOf(t: Transcript): FakeEngine | CountingEngine {
  return t.engine === "signatures" ? signatureEngine(t.limits, t.paranoia) : new FakeEngine();
}

/** The report checks a transcript asks for (route, context fields, hits with outcomes). */
function expectReport(t: Transcript, observer: RecordingObserver): void {
  const report = observer.reports[0];
  if (t.result.hits !== undefined) expect(hitsOf(report)).toEqual(t.result.hits);
  if (t.result.context !== undefined) expect(report?.context).toMatchObject(t.result.context);
}

async function runDirect(t: Transcript): Promise<void> {
  const engine = engineOf(t);
  const observer = new RecordingObserver();
  const exchange = new Exchange({
    inspector: engine.openExchange(),
    policies: policySetOf(t),
    observer,
    ...(t.defaultBodyMode === undefined ? {} : { defaultBodyMode: t.defaultBodyMode }),
    ...(t.events === undefined ? {} : { events: t.events }),
  });
  let failed = false;
  for (const [index, step] of t.steps.entries()) {
    const message = decodeOrMalformed(ProcessingRequestSchema, stepBytes(step));
    try {
      if (message instanceof MalformedMessage) throw message.error;
      const answers = (await exchange.handle(message)).map(summarize);
      expect(step.expectEnd, `step ${index} should have failed`).toBeUndefined();
      expect(answers, `answers to step ${index}`).toEqual(step.expect ?? []);
    } catch (error) {
      if (step.expectEnd === undefined) throw error;
      const status = statusForError(error);
      expectEnd(status, step.expectEnd);
      expect(status.reason).toBe(step.expectEnd.reason);
      failed = true;
      break;
    }
  }
  if (!failed) {
    expect(exchange.outcome()).toBe(t.result.outcome);
    observer.exchangeCompleted(exchange.outcome(), exchange.report());
    expectReport(t, observer);
  }
  exchange.close();
  exchange.close();
  expect(engine.exchanges).toHaveLength(1);
  expect(engine.exchanges[0]?.closes).toBe(1);
  expect(decisionsOf(observer)).toEqual(t.result.decisions);
}

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

async function runOverGrpc(t: Transcript): Promise<void> {
  const engine = engineOf(t);
  harness = await Harness.start({
    engine: () => engine,
    policies: policySetOf(t),
    ...(t.defaultBodyMode === undefined ? {} : { defaultBodyMode: t.defaultBodyMode }),
    ...(t.events === undefined ? {} : { server: { events: t.events } }),
  });
  const h = harness;
  const stream = h.open();
  let failed = false;
  for (const [index, step] of t.steps.entries()) {
    stream.write(stepBytes(step));
    if (step.expectEnd !== undefined) {
      expectEnd(await stream.status, step.expectEnd);
      failed = true;
      break;
    }
    const answers = await stream.take(step.expect?.length ?? 0);
    expect(answers.map(summarize), `answers to step ${index}`).toEqual(step.expect ?? []);
  }
  if (!failed) {
    if (t.end === "cancel") {
      stream.cancel();
      expect((await stream.status).code).toBe(grpc.status.CANCELLED);
    } else {
      stream.halfClose();
      const status = await stream.status;
      expect(status.code, status.details).toBe(grpc.status.OK);
    }
    expect(stream.unread, "answers nobody expected").toBe(0);
  }
  await h.observer.whenClosed(1);
  expect(h.observer.opened).toBe(1);
  expect(h.observer.closed).toBe(1);
  expect(h.observer.errors).toEqual(t.result.streamErrors);
  expect(h.observer.outcomes).toEqual([t.result.outcome]);
  expect(decisionsOf(h.observer)).toEqual(t.result.decisions);
  expectReport(t, h.observer);
  expect(engine.exchanges).toHaveLength(1);
  expect(engine.notClosedOnce()).toEqual([]);
}

describe("ext_proc transcripts against an Exchange", () => {
  it.each(transcripts)("$file: $description", (t) => runDirect(t));
});

describe("ext_proc transcripts over grpc-js", () => {
  it.each(transcripts)("$file: $description", (t) => runOverGrpc(t), 30_000);
});
