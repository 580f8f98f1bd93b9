/**
 * A grpc-js ext_proc client for the reload and TLS tests: plays Envoy's side for one form POST
 * (request headers, then one body chunk) and says whether weir refused it. Plain-text or TLS
 * (with or without a client certificate), on 127.0.0.1.
 */
import { fromBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { ProcessingResponseSchema } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { ProcessStream } from "../server/grpc-harness.js";
import { requestBody, streamedPostHeaders } from "../server/messages.js";

const definition = {
  process: {
    path: "/envoy.service.ext_proc.v3.ExternalProcessor/Process",
    requestStream: true,
    responseStream: true,
    requestSerialize: (bytes: Uint8Array) => Buffer.from(bytes),
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (bytes: Uint8Array) => Buffer.from(bytes),
    responseDeserialize: (bytes: Buffer) => fromBinary(ProcessingResponseSchema, bytes),
  },
} satisfies grpc.ServiceDefinition;

const Client = grpc.makeGenericClientConstructor(definition, "ExternalProcessor");

export type Verdict = "block" | "continue";

export class ExtProcClient {
  readonly #client: grpc.Client;

  constructor(
    port: number,
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
    options: grpc.ClientOptions = {},
  ) {
    this.#client = new Client(`127.0.0.1:${port}`, credentials, {
      "grpc.use_local_subchannel_pool": 1,
      ...options,
    });
  }

  open(): ProcessStream {
    const call = (
      this.#client as unknown as {
        process(): ConstructorParameters<typeof ProcessStream>[0];
      }
    ).process();
    return new ProcessStream(call);
  }

  /** Opens a stream and sends the request headers of a form POST; resolves on their answer. */
  async startPost(requestId: string): Promise<ProcessStream> {
    const stream = this.open();
    stream.write(streamedPostHeaders(requestId));
    await stream.next();
    return stream;
  }

  /** A whole form POST with `body`, on a new stream. */
  async post(body: string): Promise<Verdict> {
    return await finishPost(await this.startPost(`post-${body}`), body);
  }

  close(): void {
    this.#client.close();
  }
}

/** Sends the body of a started POST as one last chunk; resolves with weir's verdict. */
export async function finishPost(stream: ProcessStream, body: string): Promise<Verdict> {
  stream.write(requestBody({ text: body, endOfStream: true }));
  const answer = await stream.next();
  stream.halfClose();
  return answer.response.case === "immediateResponse" ? "block" : "continue";
}
