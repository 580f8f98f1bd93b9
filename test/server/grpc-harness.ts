/**
 * A weir server on 127.0.0.1 (port 0) with the fake engine and a recording observer, and a
 * grpc-js client that plays Envoy's side of the wire: it sends pre-serialised bytes (so a test
 * can also send bytes that are not a ProcessingRequest) and reads answers in order.
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import type { BodyMode } from "../../src/exchange/body-mode.js";
import {
  type ProcessingResponse,
  ProcessingResponseSchema,
} from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { HealthCheckRequestSchema } from "../../src/gen/grpc/health/v1/health_pb.js";
import type { InspectionEngine } from "../../src/inspect/types.js";
import { DEFAULT_POLICY, type PolicyConfig } from "../../src/policy/decide.js";
import type { PolicySet } from "../../src/policy/route-policy.js";
import { healthServiceDefinition } from "../../src/server/health.js";
import {
  type ExtProcServer,
  type ExtProcServerOptions,
  fixedRuntime,
  startExtProcServer,
} from "../../src/server/index.js";
import type { Runtime } from "../../src/server/runtime.js";
import type { LogLevel } from "../../src/server/server-log.js";
import { FakeEngine } from "../exchange/fake-engine.js";
import { RecordingObserver } from "../exchange/recording-observer.js";

const PROCESS_PATH = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";

const rawProcessDefinition = {
  process: {
    path: PROCESS_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: (bytes: Uint8Array) => Buffer.from(bytes),
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (bytes: Uint8Array) => Buffer.from(bytes),
    responseDeserialize: (bytes: Buffer) => fromBinary(ProcessingResponseSchema, bytes),
  },
} satisfies grpc.ServiceDefinition;

const ProcessClient = grpc.makeGenericClientConstructor(rawProcessDefinition, "ExternalProcessor");
const HealthClient = grpc.makeGenericClientConstructor(healthServiceDefinition, "Health");

export interface HarnessOptions {
  readonly policy?: Partial<PolicyConfig>;
  readonly defaultBodyMode?: BodyMode;
  /** The engine read per stream (default: the harness's FakeEngine). */
  readonly engine?: () => InspectionEngine;
  /** Route policies (over `policy`, which is ignored when these are given). */
  readonly policies?: PolicySet;
  readonly server?: Partial<ExtProcServerOptions>;
}

export interface LogEntry {
  readonly level: LogLevel;
  readonly event: string;
  readonly fields: Record<string, unknown>;
}

function runtimeOf(engine: () => InspectionEngine, options: HarnessOptions): () => Runtime {
  const policies = options.policies;
  if (policies === undefined) return fixedRuntime(engine, { ...DEFAULT_POLICY, ...options.policy });
  return () => ({ engine: engine(), policies, generation: 0 });
}

export class Harness {
  #clients: grpc.Client[] = [];

  private constructor(
    readonly server: ExtProcServer,
    readonly engine: FakeEngine,
    readonly observer: RecordingObserver,
    readonly logs: LogEntry[],
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const engine = new FakeEngine();
    const observer = new RecordingObserver();
    const logs: LogEntry[] = [];
    const server = await startExtProcServer({
      listen: "127.0.0.1:0",
      runtime: runtimeOf(options.engine ?? (() => engine), options),
      observer,
      log: (level, event, fields) => logs.push({ level, event, fields }),
      ...(options.defaultBodyMode === undefined
        ? {}
        : { defaultBodyMode: options.defaultBodyMode }),
      ...options.server,
    });
    return new Harness(server, engine, observer, logs);
  }

  get target(): string {
    return `127.0.0.1:${this.server.port}`;
  }

  /** A new client (its own HTTP/2 connection unless grpc-js shares the subchannel). */
  client(options: grpc.ClientOptions = {}): grpc.Client {
    const client = new ProcessClient(this.target, grpc.credentials.createInsecure(), {
      "grpc.use_local_subchannel_pool": 1,
      ...options,
    });
    this.#clients.push(client);
    return client;
  }

  healthClient(): grpc.Client {
    const client = new HealthClient(this.target, grpc.credentials.createInsecure(), {
      "grpc.use_local_subchannel_pool": 1,
    });
    this.#clients.push(client);
    return client;
  }

  open(client: grpc.Client = this.client()): ProcessStream {
    return new ProcessStream(
      (
        client as unknown as { process(): grpc.ClientDuplexStream<Uint8Array, ProcessingResponse> }
      ).process(),
    );
  }

  close(): void {
    for (const c of this.#clients) c.close();
    this.server.forceClose();
  }
}

/** One client-side Process stream: write bytes, read answers in order, await the status. */
export class ProcessStream {
  readonly #answers: ProcessingResponse[] = [];
  readonly #readers: ((r: ProcessingResponse | undefined) => void)[] = [];
  readonly status: Promise<grpc.StatusObject>;
  #ended = false;

  constructor(readonly call: grpc.ClientDuplexStream<Uint8Array, ProcessingResponse>) {
    call.on("data", (answer: ProcessingResponse) => {
      const reader = this.#readers.shift();
      if (reader === undefined) this.#answers.push(answer);
      else reader(answer);
    });
    call.on("error", () => {});
    this.status = new Promise((resolve) => {
      call.on("status", (status: grpc.StatusObject) => {
        this.#ended = true;
        for (const reader of this.#readers.splice(0)) reader(undefined);
        resolve(status);
      });
    });
  }

  write(bytes: Uint8Array): void {
    this.call.write(bytes);
  }

  /** The next answer; fails if the stream ends first. */
  async next(): Promise<ProcessingResponse> {
    const queued = this.#answers.shift();
    if (queued !== undefined) return queued;
    if (this.#ended) throw new Error("stream ended before the expected answer");
    const answer = await new Promise<ProcessingResponse | undefined>((r) => this.#readers.push(r));
    if (answer === undefined) {
      const status = await this.status;
      throw new Error(
        `stream ended (${grpc.status[status.code]}: ${status.details}) before the expected answer`,
      );
    }
    return answer;
  }

  async take(count: number): Promise<ProcessingResponse[]> {
    const out: ProcessingResponse[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next());
    return out;
  }

  /** Answers received but not read. */
  get unread(): number {
    return this.#answers.length;
  }

  halfClose(): void {
    this.call.end();
  }

  cancel(): void {
    this.call.cancel();
  }
}

/** Unary Health.Check through the generic client. */
export function healthCheck(client: grpc.Client, service: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    (
      client as unknown as {
        check(req: unknown, cb: (e: grpc.ServiceError | null, r: { status: number }) => void): void;
      }
    ).check(create(HealthCheckRequestSchema, { service }), (error, response) => {
      if (error !== null) reject(error);
      else resolve(response);
    });
  });
}
