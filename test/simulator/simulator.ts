/**
 * The Envoy simulator for tests: runs one HTTP exchange (request, optionally response) through
 * the Envoy-faithful ext_proc client core against a processor, and reports what Envoy would have
 * done: allow / block / error, the bytes released to the upstream and the client, the local
 * reply, dynamic metadata and the full message transcript.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import {
  type BodyMode,
  type EnvoyVersion,
  type Exchange,
  type ExchangeEvent,
  ExtProcClient,
  type ExtProcConfigInput,
  type FlowSink,
  type HeaderList,
  type LocalReply,
  resolveConfig,
  type Switches,
} from "../../src/envoy/index.js";
import type {
  ProcessingRequest,
  ProcessingResponse,
} from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";

export interface SimExchange {
  requestHeaders: HeaderList;
  /** Body as Envoy receives it, one entry per data frame; empty = no body. */
  requestChunks: Uint8Array[];
  requestTrailers: HeaderList | null;
  /** The upstream's response; omitted or null = the response path is not run. */
  responseHeaders?: HeaderList | null;
  responseChunks?: Uint8Array[];
  responseTrailers?: HeaderList | null;
}

export interface SimConfig {
  requestBodyMode?: BodyMode;
  responseBodyMode?: BodyMode;
  messageTimeoutMs?: number;
  failureModeAllow?: boolean;
  envoyVersion?: EnvoyVersion;
  switches?: Partial<Switches>;
  /** Any other ext_proc filter setting (processing modes here override the two above). */
  extProc?: ExtProcConfigInput;
  /**
   * "auto" (default): in STREAMED and NONE, feed body chunks only once the header response
   * released the headers, so each chunk becomes its own body message as in the case files.
   * "immediate": feed everything at once (Envoy then merges what arrived during the header wait).
   */
  pacing?: "auto" | "immediate";
  /** Safety net for a stalled exchange (Envoy's own timers normally end stalls). Default 10 s. */
  deadlineMs?: number;
  /**
   * The client goes away (RST_STREAM) once `chunks` body chunks of `direction` were answered and
   * released: the HTTP stream is destroyed, and Envoy closes the gRPC stream (half-close then
   * cancel, or gracefully with the switch). Nothing more is fed in either direction.
   */
  resetAfter?: { direction: "request" | "response"; chunks: number };
}

export type Target = { address: string } | { client: ExtProcClient };

export interface Released {
  headers: HeaderList | null;
  chunks: Uint8Array[];
  body: Uint8Array;
  trailers: HeaderList | null;
  ended: boolean;
}

export interface TranscriptEntry {
  /** Milliseconds since the exchange started (for reading, never for assertions). */
  at: number;
  event: ExchangeEvent;
}

export interface ExchangeOutcome {
  verdict: "allow" | "block" | "error";
  /** The local reply's HTTP status (403 for a block), null when traffic went through. */
  status: number | null;
  localReply: LocalReply | null;
  /** Details of a client-stream reset (ImmediateResponse after response headers were sent). */
  reset: string | null;
  /** The deadline passed before the exchange finished. */
  stalled: boolean;
  /** Why Envoy stopped consulting the server and let traffic through, if it did. */
  failedOpen: string[];
  /** The client reset the HTTP stream (SimConfig.resetAfter). */
  clientReset: boolean;
  request: Released;
  response: Released | null;
  /** Every dynamic_metadata the server sent, merged (top-level keys, last wins). */
  dynamicMetadata: JsonObject;
  /** What Envoy kept of it (receiving namespaces only). */
  keptMetadata: Record<string, JsonObject>;
  sent: ProcessingRequest[];
  received: ProcessingResponse[];
  transcript: TranscriptEntry[];
}

export async function runExchange(
  target: Target,
  exchange: SimExchange,
  config: SimConfig = {},
): Promise<ExchangeOutcome> {
  const resolved = resolveConfig(configInput(config));
  const owned = "address" in target ? new ExtProcClient(target.address, {}) : null;
  const client = owned ?? ("client" in target ? target.client : null);
  if (client === null) throw new Error("runExchange: target needs an address or a client");
  const run = new ExchangeRecorder(config.deadlineMs ?? 10_000);
  const ex = client.exchange(run.callbacks(), {
    config: resolved,
    observer: (event) => run.record(event),
  });
  try {
    await drive(ex, run, exchange, resolved.processingMode.requestBodyMode, config, "request");
    const hasResponse = exchange.responseHeaders !== undefined && exchange.responseHeaders !== null;
    if (hasResponse && !run.ended && !run.clientReset) {
      run.responseStarted = true;
      await drive(ex, run, exchange, resolved.processingMode.responseBodyMode, config, "response");
    }
  } finally {
    ex.destroy();
    run.stop();
    owned?.close();
  }
  return run.outcome(ex);
}

function configInput(config: SimConfig): ExtProcConfigInput {
  const extProc = config.extProc ?? {};
  const input: ExtProcConfigInput = {
    ...extProc,
    processingMode: {
      requestBodyMode: config.requestBodyMode ?? "STREAMED",
      responseBodyMode: config.responseBodyMode ?? "NONE",
      ...extProc.processingMode,
    },
  };
  if (config.messageTimeoutMs !== undefined) input.messageTimeoutMs = config.messageTimeoutMs;
  if (config.failureModeAllow !== undefined) input.failureModeAllow = config.failureModeAllow;
  if (config.envoyVersion !== undefined) input.envoyVersion = config.envoyVersion;
  if (config.switches !== undefined) input.switches = { ...extProc.switches, ...config.switches };
  return input;
}

async function drive(
  ex: Exchange,
  run: ExchangeRecorder,
  exchange: SimExchange,
  mode: BodyMode,
  config: SimConfig,
  direction: "request" | "response",
): Promise<void> {
  const request = direction === "request";
  const headers = request ? exchange.requestHeaders : (exchange.responseHeaders ?? []);
  const chunks = (request ? exchange.requestChunks : exchange.responseChunks) ?? [];
  const trailers = (request ? exchange.requestTrailers : exchange.responseTrailers) ?? null;
  const flow = request ? run.request : run.response;
  const copy: HeaderList = headers.map(([k, v]) => [k, v]);
  const endOnHeaders = chunks.length === 0 && trailers === null;
  if (request) ex.decodeHeaders(copy, endOnHeaders);
  else ex.encodeHeaders(copy, endOnHeaders);
  const reset = config.resetAfter?.direction === direction ? config.resetAfter : undefined;
  if (reset !== undefined) {
    await resetAfterChunks(ex, run, reset.chunks, chunks, direction);
    return;
  }
  if (!endOnHeaders) {
    const paced = (config.pacing ?? "auto") === "auto" && (mode === "STREAMED" || mode === "NONE");
    // Until the header response is handled: then each chunk becomes its own body message.
    const state = request ? ex.request : ex.response;
    if (paced)
      await run.until(
        () => flow.headers !== null || run.ended || state.callbackState !== "headers",
      );
    chunks.forEach((chunk, i) => {
      const last = i === chunks.length - 1 && trailers === null;
      if (request) ex.decodeData(chunk, last);
      else ex.encodeData(chunk, last);
    });
    if (trailers !== null) {
      const t: HeaderList = trailers.map(([k, v]) => [k, v]);
      if (request) ex.decodeTrailers(t);
      else ex.encodeTrailers(t);
    }
  }
  // Body messages sent again after end_of_stream (fault switches) are answered too.
  const state = request ? ex.request : ex.response;
  await run.until(() => (flow.ended && state.duplicatesOutstanding === 0) || run.ended);
}

/**
 * Feeds the first `count` chunks of `direction` (never with end_of_stream), waits until they
 * are released (answered), then destroys the HTTP stream as a client reset does.
 */
async function resetAfterChunks(
  ex: Exchange,
  run: ExchangeRecorder,
  count: number,
  chunks: readonly Uint8Array[],
  direction: "request" | "response",
): Promise<void> {
  const request = direction === "request";
  const flow = request ? run.request : run.response;
  const state = request ? ex.request : ex.response;
  await run.until(() => flow.headers !== null || run.ended || state.callbackState !== "headers");
  const fed = chunks.slice(0, count);
  for (const chunk of fed) {
    if (request) ex.decodeData(chunk, false);
    else ex.encodeData(chunk, false);
  }
  const bytes = fed.reduce((n, c) => n + c.byteLength, 0);
  await run.until(() => flow.chunks.reduce((n, c) => n + c.byteLength, 0) >= bytes || run.ended);
  if (run.ended) return;
  run.clientReset = true;
  ex.destroy();
}

/**
 * Collects one exchange's callbacks and events; tests that drive an Exchange by hand use it too.
 */
export class ExchangeRecorder {
  readonly request: Released = emptyReleased();
  readonly response: Released = emptyReleased();
  responseStarted = false;
  clientReset = false;
  localReply: LocalReply | null = null;
  reset: string | null = null;
  stalled = false;
  readonly transcript: TranscriptEntry[] = [];
  private readonly start = performance.now();
  private readonly deadline: NodeJS.Timeout;
  private wake: () => void = () => {};

  constructor(deadlineMs: number) {
    this.deadline = setTimeout(() => {
      this.stalled = true;
      this.wake();
    }, deadlineMs);
  }

  get ended(): boolean {
    return this.localReply !== null || this.reset !== null || this.stalled;
  }

  callbacks() {
    return {
      upstream: this.sink(this.request),
      downstream: this.sink(this.response),
      localReply: (reply: LocalReply) => {
        this.localReply = reply;
        this.wake();
      },
      reset: (details: string) => {
        this.reset = details;
        this.wake();
      },
    };
  }

  record(event: ExchangeEvent): void {
    this.transcript.push({ at: performance.now() - this.start, event });
    this.wake();
  }

  /** Waits (event-driven) until `condition` holds. */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  stop(): void {
    clearTimeout(this.deadline);
  }

  outcome(ex: Exchange): ExchangeOutcome {
    const reply = this.localReply;
    let verdict: ExchangeOutcome["verdict"] = "allow";
    if (reply !== null)
      verdict = reply.status === 403 || reply.grpcStatus === 7 ? "block" : "error";
    else if (this.reset !== null || this.stalled) verdict = "error";
    const sent: ProcessingRequest[] = [];
    const received: ProcessingResponse[] = [];
    const dynamicMetadata: JsonObject = {};
    const failedOpen: string[] = [];
    for (const { event } of this.transcript) {
      if (event.kind === "sent") sent.push(event.message);
      if (event.kind === "failed_open") failedOpen.push(event.reason);
      if (event.kind === "received") {
        received.push(event.message);
        Object.assign(dynamicMetadata, event.message.dynamicMetadata ?? {});
      }
    }
    return {
      verdict,
      status: reply?.status ?? null,
      localReply: reply,
      reset: this.reset,
      stalled: this.stalled,
      failedOpen,
      clientReset: this.clientReset,
      request: finish(this.request),
      response: this.responseStarted ? finish(this.response) : null,
      dynamicMetadata,
      keptMetadata: { ...ex.dynamicMetadata },
      sent,
      received,
      transcript: this.transcript,
    };
  }

  private sink(target: Released): FlowSink {
    return {
      headers: (headers, endOfStream) => {
        target.headers = headers;
        if (endOfStream) target.ended = true;
        this.wake();
      },
      data: (chunk, endOfStream) => {
        target.chunks.push(chunk);
        if (endOfStream) target.ended = true;
        this.wake();
      },
      trailers: (trailers) => {
        target.trailers = trailers;
        target.ended = true;
        this.wake();
      },
    };
  }
}

function emptyReleased(): Released {
  return { headers: null, chunks: [], body: new Uint8Array(0), trailers: null, ended: false };
}

function finish(released: Released): Released {
  return { ...released, body: Buffer.concat(released.chunks) };
}
