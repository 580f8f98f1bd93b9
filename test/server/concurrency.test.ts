/**
 * 200 ext_proc streams at once on one HTTP/2 connection, as Envoy multiplexes them: every
 * stream's pipelined messages are answered in order, with the findings of that stream only.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, expect, it } from "vitest";
import { type AnswerSummary, summarize } from "../exchange/transcript.js";
import { Harness } from "./grpc-harness.js";
import { requestBody, streamedPostHeaders } from "./messages.js";

const STREAMS = 200;

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

/** Stream i carries SUSPECT in chunk i % 3; its answers show metadata exactly there and at the end. */
function chunksOf(i: number): string[] {
  const chunks = [`a=${i}&`, `b=${i}&`, `c=${i}`];
  const k = i % 3;
  chunks[k] = `${chunks[k]}SUSPECT`;
  return chunks;
}

function expectedAnswers(i: number): AnswerSummary[] {
  const meta = {
    weir: {
      decision: "detect",
      score: 2,
      route: "default",
      signature_ids: [100002],
      families: ["xss"],
      mode: "enforce",
    },
  };
  const k = i % 3;
  return [
    { kind: "requestHeaders" },
    ...[0, 1, 2].map((j) =>
      j === k || j === 2 ? { kind: "requestBody", dynamicMetadata: meta } : { kind: "requestBody" },
    ),
  ];
}

it("answers 200 concurrent streams each in order with its own findings", async () => {
  harness = await Harness.start();
  const h = harness;
  const client = h.client();
  const runs = Array.from({ length: STREAMS }, async (_, i) => {
    const stream = h.open(client);
    stream.write(streamedPostHeaders(`req-${i}`));
    chunksOf(i).forEach((text, j) => {
      stream.write(requestBody({ text, endOfStream: j === 2 }));
    });
    const answers = (await stream.take(4)).map(summarize);
    stream.halfClose();
    const status = await stream.status;
    return { answers, code: status.code };
  });
  const results = await Promise.all(runs);
  results.forEach((r, i) => {
    expect(r.code).toBe(grpc.status.OK);
    expect(r.answers, `stream ${i}`).toEqual(expectedAnswers(i));
  });
  await h.observer.whenClosed(STREAMS);
  expect(h.observer.opened).toBe(STREAMS);
  expect(h.observer.closed).toBe(STREAMS);
  expect(h.observer.errors).toEqual([]);
  expect(h.engine.exchanges).toHaveLength(STREAMS);
  expect(h.engine.notClosedOnce()).toEqual([]);
}, 60_000);
