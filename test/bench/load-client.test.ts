/**
 * The load client plays exchanges the way Envoy does in STREAMED mode: headers, then body
 * chunks (pipelined up to a bound, or lock-step), one answer per message, in order. Checked
 * against the no-op processor on a loopback server, and against a processor that answers the
 * wrong kind (the client must report a failure, not count a completed exchange).
 */
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benignBody } from "../../bench/harness/benign-bodies.js";
import { type ExchangePlan, runExchange } from "../../bench/load/exchange.js";
import { requestBodyMessage, requestHeadersMessage } from "../../bench/load/messages.js";
import { type NoopCall, noopProcess } from "../../bench/load/noop-processor.js";
import {
  ExternalProcessor,
  ProcessingResponseSchema,
} from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { type RunningGrpcServer, startGrpcServer } from "../../src/server/grpc-server.js";
import { serviceDefinition } from "../../src/server/service-definition.js";

let server: RunningGrpcServer;
let wrongKind: RunningGrpcServer;
const clients: grpc.Client[] = [];

async function serve(process: (call: NoopCall) => void): Promise<RunningGrpcServer> {
  return await startGrpcServer({ listen: "127.0.0.1:0", log: () => {} }, (s) => {
    s.addService(serviceDefinition(ExternalProcessor), { process });
  });
}

function client(target: RunningGrpcServer): grpc.Client {
  const c = new grpc.Client(`127.0.0.1:${target.port}`, grpc.credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
  });
  clients.push(c);
  return c;
}

function plan(chunks: number, inFlight: number): ExchangePlan {
  const body = benignBody("json", chunks * 512, 1);
  const messages = Array.from({ length: chunks }, (_, i) =>
    requestBodyMessage(body.subarray(i * 512, (i + 1) * 512), i === chunks - 1),
  );
  return {
    headers: requestHeadersMessage("json", body.length, chunks === 0),
    chunk: (i) => messages[i] as Uint8Array,
    chunks,
    inFlight,
  };
}

beforeAll(async () => {
  server = await serve(noopProcess);
  // Answers every message as if it were a request body: wrong for the headers message.
  wrongKind = await serve((call) => {
    const answer = create(ProcessingResponseSchema, {
      response: { case: "requestBody", value: { response: {} } },
    });
    call.on("data", () => call.write(answer));
    call.on("end", () => call.end());
  });
});

afterAll(() => {
  for (const c of clients) c.close();
  server.forceClose();
  wrongKind.forceClose();
});

describe("runExchange", () => {
  it.each([
    ["pipelined", 8, 4],
    ["lock-step", 8, 1],
    ["headers only", 0, 1],
  ])("completes a %s exchange with one answer per message", async (_name, chunks, inFlight) => {
    const latencies: number[] = [];
    const result = await runExchange(client(server), plan(chunks, inFlight), (ms) =>
      latencies.push(ms),
    );
    expect(result.outcome).toBe("completed");
    expect(latencies).toHaveLength(chunks + 1);
    for (const ms of latencies) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it("holds an exchange open after its first body answer", async () => {
    const result = await runExchange(
      client(server),
      { ...plan(2, 1), holdAfterFirstChunk: true },
      () => {},
    );
    expect(result.outcome).toBe("held");
    result.call.cancel();
  });

  it("reports an answer of the wrong kind as a failure", async () => {
    const result = await runExchange(client(wrongKind), plan(2, 2), () => {});
    expect(result.outcome).toBe("failed");
    expect(result.detail).toMatch(/unexpected answer/);
  });
});
