/**
 * The no-op ext_proc handler: answers every ProcessingRequest with a plain "continue" of the
 * matching kind and inspects nothing. bench/noop-server.ts serves it as the gRPC baseline;
 * test/bench uses it to check the load client.
 */
import { create } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";
import {
  type ProcessingRequest,
  type ProcessingResponse,
  ProcessingResponseSchema,
} from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { MalformedMessage } from "../../src/server/service-definition.js";

export type NoopCall = grpc.ServerDuplexStream<
  ProcessingRequest | MalformedMessage,
  ProcessingResponse
>;

type Answered = NonNullable<ProcessingRequest["request"]["case"]>;

const ANSWERS: Readonly<Record<Answered, ProcessingResponse>> = {
  requestHeaders: create(ProcessingResponseSchema, {
    response: { case: "requestHeaders", value: { response: {} } },
  }),
  responseHeaders: create(ProcessingResponseSchema, {
    response: { case: "responseHeaders", value: { response: {} } },
  }),
  requestBody: create(ProcessingResponseSchema, {
    response: { case: "requestBody", value: { response: {} } },
  }),
  responseBody: create(ProcessingResponseSchema, {
    response: { case: "responseBody", value: { response: {} } },
  }),
  requestTrailers: create(ProcessingResponseSchema, {
    response: { case: "requestTrailers", value: {} },
  }),
  responseTrailers: create(ProcessingResponseSchema, {
    response: { case: "responseTrailers", value: {} },
  }),
};

export function noopProcess(call: NoopCall): void {
  call.on("data", (message: ProcessingRequest | MalformedMessage) => {
    const kind = message instanceof MalformedMessage ? undefined : message.request.case;
    if (kind === undefined) {
      call.destroy(new Error("no-op server: malformed or empty ProcessingRequest"));
      return;
    }
    call.write(ANSWERS[kind]);
  });
  call.on("end", () => call.end());
  call.on("error", () => {});
}
