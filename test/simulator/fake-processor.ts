/**
 * A scripted ext_proc server for tests of the Envoy side: a grpc-js server on 127.0.0.1:0 that
 * answers each ProcessingRequest as a script says (continue, mutate, block with an
 * ImmediateResponse, delay, send the wrong kind, end the stream with a status), in order per
 * stream, and records what it received and how each stream ended.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import {
  type ProcessingRequest,
  ProcessingRequestSchema,
  type ProcessingResponse,
  ProcessingResponseSchema,
} from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { continueFor } from "./responses.js";

export type Action =
  | { send: ProcessingResponse }
  | { delayMs: number }
  /** End the stream: code 0 is a clean OK close, anything else an error status. */
  | { end: { code: number; details?: string } }
  /** Hold further actions until the stream has received this many messages in total. */
  | { waitForMessages: number };

export interface ScriptContext {
  call: FakeCall;
  /** 0-based index of this message within its stream. */
  index: number;
}

export type Script = (
  request: ProcessingRequest,
  context: ScriptContext,
) => Action[] | Promise<Action[]>;

/** Answers every message with the matching continue reply. */
export const continueAll: Script = (request) => [{ send: continueFor(request) }];

/** How a stream ended, as the server saw it. */
export type CallEvent = "half_close" | "cancelled" | `server_end:${number}`;

export class FakeCall {
  readonly received: ProcessingRequest[] = [];
  readonly sent: ProcessingResponse[] = [];
  readonly events: CallEvent[] = [];
  readonly done: Promise<void>;
  private finish: () => void = () => {};
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private ended = false;

  constructor(readonly index: number) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  waitForMessages(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** @internal */
  record(request: ProcessingRequest): void {
    this.received.push(request);
    const ready = this.waiters.filter((w) => this.received.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.received.length < w.count);
    for (const w of ready) w.resolve();
  }

  /** @internal */
  event(event: CallEvent): void {
    this.events.push(event);
    if (event !== "half_close" && !this.ended) {
      this.ended = true;
      this.finish();
    }
  }

  get isEnded(): boolean {
    return this.ended;
  }
}

export interface FakeProcessorOptions {
  /** End the stream with OK as soon as the client half-closes (a polite server). Default false. */
  endOnHalfClose?: boolean;
}

export interface FakeProcessor {
  /** HOST:PORT to give the client. */
  address: string;
  calls: FakeCall[];
  /** Resolves with the n-th stream (0-based) once it has been opened. */
  call(index: number): Promise<FakeCall>;
  close(): Promise<void>;
}

export async function startFakeProcessor(
  script: Script = continueAll,
  options: FakeProcessorOptions = {},
): Promise<FakeProcessor> {
  const server = new grpc.Server();
  const calls: FakeCall[] = [];
  const callWaiters: Array<{ index: number; resolve: (call: FakeCall) => void }> = [];

  const handler = (stream: grpc.ServerDuplexStream<ProcessingRequest, ProcessingResponse>) => {
    const call = new FakeCall(calls.length);
    calls.push(call);
    for (const w of callWaiters.filter((w) => w.index === call.index)) w.resolve(call);
    let chain = Promise.resolve();
    let closed = false;
    stream.on("data", (request: ProcessingRequest) => {
      const index = call.received.length;
      call.record(request);
      chain = chain.then(async () => {
        const actions = await script(request, { call, index });
        for (const action of actions) {
          if (closed) return;
          if ("send" in action) {
            call.sent.push(action.send);
            stream.write(action.send);
          } else if ("delayMs" in action) {
            await new Promise((resolve) => setTimeout(resolve, action.delayMs));
          } else if ("waitForMessages" in action) {
            await Promise.race([call.waitForMessages(action.waitForMessages), call.done]);
          } else {
            closed = true;
            call.event(`server_end:${action.end.code}`);
            if (action.end.code === 0) stream.end();
            else stream.emit("error", { code: action.end.code, details: action.end.details ?? "" });
          }
        }
      });
    });
    stream.on("end", () => {
      call.event("half_close");
      if (options.endOnHalfClose && !closed) {
        closed = true;
        void chain.then(() => {
          call.event("server_end:0");
          stream.end();
        });
      }
    });
    stream.on("cancelled", () => {
      closed = true;
      call.event("cancelled");
    });
    stream.on("error", () => {});
  };

  server.addService(
    {
      process: {
        path: "/envoy.service.ext_proc.v3.ExternalProcessor/Process",
        requestStream: true,
        responseStream: true,
        requestSerialize: (m: ProcessingRequest) =>
          Buffer.from(toBinary(ProcessingRequestSchema, m)),
        requestDeserialize: (b: Buffer) => fromBinary(ProcessingRequestSchema, b),
        responseSerialize: (m: ProcessingResponse) =>
          Buffer.from(toBinary(ProcessingResponseSchema, m)),
        responseDeserialize: (b: Buffer) => fromBinary(ProcessingResponseSchema, b),
      },
    },
    { process: handler },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    address: `127.0.0.1:${port}`,
    calls,
    call(index: number) {
      const existing = calls[index];
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve) => callWaiters.push({ index, resolve }));
    },
    close() {
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}
