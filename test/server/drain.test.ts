/**
 * Graceful drain (what SIGTERM triggers): health turns NOT_SERVING, streams in flight finish,
 * then the server stops; streams still open at the drain timeout are cut, their inspectors
 * closed, and that is not counted against the client.
 */
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { afterEach, expect, it } from "vitest";
import {
  HealthCheckRequestSchema,
  type HealthCheckResponse,
  HealthCheckResponse_ServingStatus as Serving,
} from "../../src/gen/grpc/health/v1/health_pb.js";
import { drainOnSignals } from "../../src/server/index.js";
import { summarize } from "../exchange/transcript.js";
import { Harness } from "./grpc-harness.js";
import { requestBody, streamedPostHeaders } from "./messages.js";

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

function watch(client: grpc.Client) {
  const call = (
    client as unknown as { watch(req: unknown): grpc.ClientReadableStream<HealthCheckResponse> }
  ).watch(create(HealthCheckRequestSchema, { service: "" }));
  const seen: Serving[] = [];
  let first: () => void = () => {};
  const firstSeen = new Promise<void>((resolve) => {
    first = resolve;
  });
  call.on("data", (r: HealthCheckResponse) => {
    seen.push(r.status);
    first();
  });
  call.on("error", () => {});
  const ended = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
  return { seen, firstSeen, ended };
}

it("lets a stream in flight finish, reports NOT_SERVING to watchers, then stops the server", async () => {
  harness = await Harness.start({ server: { drainTimeoutMs: 120_000 } });
  const h = harness;
  const health = watch(h.healthClient());
  await health.firstSeen;

  const stream = h.open();
  stream.write(streamedPostHeaders("req-in-flight"));
  expect(summarize(await stream.next()).kind).toBe("requestHeaders");

  let drained = false;
  const draining = h.server.drain().then(() => {
    drained = true;
  });
  expect((await health.ended).code).toBe(grpc.status.OK);
  expect(health.seen).toEqual([Serving.SERVING, Serving.NOT_SERVING]);
  // The stream in flight still holds the server open: nothing can have finished the drain.
  expect(drained).toBe(false);

  stream.write(requestBody({ text: "a=1", endOfStream: true }));
  expect(summarize(await stream.next()).kind).toBe("requestBody");
  stream.halfClose();
  expect((await stream.status).code).toBe(grpc.status.OK);
  await draining;

  const late = h.open(h.client());
  late.write(streamedPostHeaders("req-too-late"));
  expect((await late.status).code).toBe(grpc.status.UNAVAILABLE);
  expect(h.observer.closed).toBe(1);
  expect(h.engine.notClosedOnce()).toEqual([]);
  expect(h.logs.map((l) => l.event)).toEqual(["drain_started", "drain_finished"]);
});

it("cuts streams still open at the drain timeout and closes their inspectors", async () => {
  harness = await Harness.start({ server: { drainTimeoutMs: 50 } });
  const h = harness;
  const stream = h.open();
  stream.write(streamedPostHeaders("req-stuck"));
  await stream.next();
  stream.write(requestBody({ text: "a=1&" }));
  await stream.next();

  await h.server.drain();
  expect((await stream.status).code).not.toBe(grpc.status.OK);
  await h.observer.whenClosed(1);
  expect(h.observer.errors).toEqual([]);
  expect(h.engine.notClosedOnce()).toEqual([]);
  expect(h.logs.find((l) => l.event === "drain_timeout")?.level).toBe("warn");
  expect(h.logs.at(-1)).toMatchObject({ event: "drain_finished", fields: { graceful: false } });
});

it("drains once on the first signal and stops listening when uninstalled", () => {
  let drains = 0;
  const uninstall = drainOnSignals({ drain: async () => void drains++ }, ["SIGUSR2"]);
  process.emit("SIGUSR2", "SIGUSR2");
  process.emit("SIGUSR2", "SIGUSR2");
  expect(drains).toBe(1);
  uninstall();
  expect(process.listenerCount("SIGUSR2")).toBe(0);
});
