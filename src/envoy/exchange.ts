/**
 * One HTTP exchange as Envoy's ext_proc filter handles it (ext_proc.cc Filter): both direction
 * state machines on one lazily opened gRPC stream, dispatch and validation of server messages
 * (§2.D), failure handling (§2.K), local replies (§2.H) and Envoy's close rules (§2.A-3/4).
 * The HTTP side feeds it through the decode and encode methods and receives the released
 * traffic through ExchangeCallbacks.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { Client } from "@grpc/grpc-js";
import type { ProcessingResponse } from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { ExtProcConfig } from "./config.js";
import { type CallbackState, DirectionState } from "./direction.js";
import { type InputHost, onData, onHeaders, onTrailers } from "./direction-input.js";
import * as policy from "./failure-policy.js";
import { FilterIteration } from "./filter-iteration.js";
import type { HandleResult } from "./handle-result.js";
import { getHeader } from "./headers.js";
import {
  errorReply,
  immediateResponseReply,
  isGrpcContentType,
  type ReplyContext,
} from "./local-reply.js";
import { applyModeOverride } from "./mode-override.js";
import { ProcessorStream } from "./processor-stream.js";
import { overrideTimeoutMs } from "./timeouts.js";
import type {
  Direction,
  ExchangeCallbacks,
  ExchangeObserver,
  HeaderList,
  LocalReply,
  ResponseHandling,
} from "./types.js";
import {
  bodyMessage,
  headersMessage,
  type MessageExtras,
  metadataContext,
  protocolConfig,
  trailersMessage,
} from "./wire.js";

export class Exchange implements InputHost {
  /** Request (decoding) direction state; `callbackState` tells what it awaits. */
  readonly request: DirectionState;
  /** Response (encoding) direction state. */
  readonly response: DirectionState;
  /** Dynamic metadata Envoy kept (receiving namespaces only), namespace → Struct. */
  readonly dynamicMetadata: Record<string, JsonObject> = {};
  private readonly stream: ProcessorStream;
  private complete = false;
  private ended = false;
  private replyContext: ReplyContext;
  /** The request headers as the filter saw them (for attribute sources). */
  private requestHeaders: HeaderList | null = null;

  constructor(
    client: Client,
    readonly config: ExtProcConfig,
    private readonly callbacks: ExchangeCallbacks,
    private readonly observe: ExchangeObserver = () => {},
  ) {
    const limit = config.bufferLimitBytes;
    const requestIteration = new FilterIteration(callbacks.upstream, limit, () =>
      this.bufferLimitExceeded(this.request),
    );
    const responseIteration = new FilterIteration(callbacks.downstream, limit, () =>
      this.bufferLimitExceeded(this.response),
    );
    this.request = new DirectionState("request", this, requestIteration, () =>
      this.onTimeout("request"),
    );
    this.response = new DirectionState("response", this, responseIteration, () =>
      this.onTimeout("response"),
    );
    this.replyContext = { grpcRequest: false, headRequest: false, config };
    this.stream = new ProcessorStream(
      client,
      config,
      {
        message: (response) => this.onMessage(response),
        ended: (code, details) => this.onStreamEnded(code, details),
      },
      observe,
    );
  }

  /** Envoy's `processing_complete_`: the server is no longer consulted. */
  get processingComplete(): boolean {
    return this.complete;
  }

  /** A local reply or reset ended the exchange, or it was destroyed. */
  get finished(): boolean {
    return this.ended;
  }

  // ---- HTTP side ----------------------------------------------------------------------------

  decodeHeaders(headers: HeaderList, endOfStream: boolean): void {
    if (this.ended) return;
    this.requestHeaders = headers;
    this.replyContext = {
      grpcRequest: isGrpcContentType(getHeader(headers, "content-type")),
      headRequest: getHeader(headers, ":method") === "HEAD",
      config: this.config,
    };
    onHeaders(this, this.request, headers, endOfStream);
  }

  decodeData(chunk: Uint8Array, endOfStream: boolean): void {
    this.data(this.request, chunk, endOfStream);
  }

  decodeTrailers(trailers: HeaderList): void {
    if (!this.ended) onTrailers(this, this.request, trailers);
  }

  encodeHeaders(headers: HeaderList, endOfStream: boolean): void {
    if (!this.ended) onHeaders(this, this.response, headers, endOfStream);
  }

  encodeData(chunk: Uint8Array, endOfStream: boolean): void {
    this.data(this.response, chunk, endOfStream);
  }

  encodeTrailers(trailers: HeaderList): void {
    if (!this.ended) onTrailers(this, this.response, trailers);
  }

  /** The HTTP stream is gone (completed or reset): stop timers and close the gRPC stream. */
  destroy(): void {
    this.complete = true;
    this.ended = true;
    this.stopCalls();
    this.request.iteration.kill();
    this.response.iteration.kill();
    this.stream.close();
  }

  private data(state: DirectionState, chunk: Uint8Array, endOfStream: boolean): void {
    if (this.ended) return;
    const synthetic =
      endOfStream &&
      state.sendTrailers &&
      !this.config.switches.noSyntheticTrailers &&
      !this.complete;
    if (!synthetic) {
      onData(this, state, chunk, endOfStream);
      return;
    }
    // Envoy before 1.28 added empty trailers to a body that had none (§2.T).
    onData(this, state, chunk, false);
    if (!this.ended) onTrailers(this, state, []);
  }

  // ---- InputHost: messages to the server ----------------------------------------------------

  openStream(): boolean {
    if (this.complete) return false;
    if (this.stream.open()) return true;
    // Closed by the stream-close optimisation: nothing more was expected.
    this.complete = true;
    return false;
  }

  sendHeadersMessage(state: DirectionState, headers: HeaderList, endOfStream: boolean): void {
    const message = headersMessage(state.direction, headers, endOfStream, this.extras(state));
    state.onStartCall("headers");
    this.stream.send(state, message);
  }

  sendBodyChunk(
    state: DirectionState,
    body: Uint8Array,
    endOfStream: boolean,
    next: CallbackState,
  ): void {
    const message = bodyMessage(state.direction, body, endOfStream, this.extras(state));
    // FULL_DUPLEX chunks sent before the header response leave the header wait in place.
    if (!(state.duplex && state.callbackState !== "idle")) state.onStartCall(next);
    this.stream.send(state, message);
    this.sendDuplicates(state, body, endOfStream);
  }

  /** Fault switches (switches.ts): body messages sent again after end_of_stream. */
  private sendDuplicates(state: DirectionState, body: Uint8Array, endOfStream: boolean): void {
    const { redeliverLastBodyChunk, replayBodyAfterEndOfStream } = this.config.switches;
    if (replayBodyAfterEndOfStream) state.sentBodies.push(body);
    if (!endOfStream) return;
    const again: [Uint8Array, boolean][] = [];
    if (redeliverLastBodyChunk) again.push([body, true]);
    if (replayBodyAfterEndOfStream) {
      const last = state.sentBodies.length - 1;
      for (const [i, b] of state.sentBodies.entries()) again.push([b, i === last]);
      state.sentBodies.length = 0;
    }
    for (const [bytes, last] of again) {
      state.duplicatesOutstanding++;
      this.stream.send(state, bodyMessage(state.direction, bytes, last, this.extras(state)));
    }
  }

  sendTrailers(state: DirectionState, trailers: HeaderList): void {
    const message = trailersMessage(state.direction, trailers, this.extras(state));
    state.trailersSent = true;
    if (!(state.duplex && state.callbackState !== "idle")) state.onStartCall("trailers");
    this.stream.send(state, message);
  }

  /** BUFFERED over the buffer limit: 413 on requests, 500 on responses (C3-4). */
  bufferLimitExceeded(state: DirectionState): void {
    const request = state.direction === "request";
    this.failClosed({
      action: "fail_closed",
      status: request ? 413 : 500,
      details: request ? "request_payload_too_large" : "response_payload_too_large",
      cause: "buffer_limit",
    });
  }

  /** metadata_context always; attributes once per direction; protocol_config first only. */
  private extras(state: DirectionState): MessageExtras {
    const first = this.stream.takeFirst();
    const source =
      state.direction === "request"
        ? this.config.requestAttributes
        : this.config.responseAttributes;
    let attributes: JsonObject | null = null;
    if (source !== null && !state.sentAttributes) {
      state.sentAttributes = true;
      attributes = typeof source === "function" ? source(this.requestHeaders) : source;
    }
    return {
      metadataContext: metadataContext(this.config.forwardingMetadata),
      attributes,
      protocolConfig:
        first && this.config.switches.sendProtocolConfig
          ? protocolConfig(this.request.bodyMode, this.response.bodyMode)
          : null,
    };
  }

  // ---- messages from the server -------------------------------------------------------------

  private onMessage(response: ProcessingResponse): void {
    // Observed before it is handled, so the transcript keeps wire order; `handling` is filled in.
    const event = {
      kind: "received" as const,
      message: response,
      handling: "applied" as ResponseHandling,
    };
    this.observe(event);
    if (this.complete) {
      event.handling = "ignored_after_completion";
      return;
    }
    if (response.overrideMessageTimeout !== undefined) {
      // Such a message only extends the timer; everything else in it is ignored (§2.D-3).
      const ms = overrideTimeoutMs(
        response.overrideMessageTimeout,
        this.config.maxMessageTimeoutMs,
      );
      const extended =
        ms !== null && (this.request.timer.restart(ms) || this.response.timer.restart(ms));
      event.handling = extended ? "timeout_extended" : "timeout_override_ignored";
      return;
    }
    const awaitingHeaders =
      this.request.callbackState === "headers" || this.response.callbackState === "headers";
    if (this.config.allowModeOverride && awaitingHeaders && response.modeOverride !== undefined) {
      applyModeOverride(this.config, response.modeOverride, this.request, this.response);
    }
    const result = this.dispatch(response);
    if (result.ok) {
      this.stream.closeIfFinished(this.request, this.response);
      return;
    }
    event.handling = result.kind === "spurious" ? "spurious" : "rejected";
    this.apply(
      result.kind === "spurious"
        ? policy.onSpuriousMessage(this.config, result.details)
        : policy.onRejectedMutation(this.config, result.details),
    );
  }

  private dispatch(response: ProcessingResponse): HandleResult {
    const r = response.response;
    switch (r.case) {
      case "requestHeaders":
        this.keepMetadata(response);
        return this.request.handleHeadersResponse(r.value);
      case "responseHeaders":
        this.keepMetadata(response);
        return this.response.handleHeadersResponse(r.value);
      case "requestBody":
        this.keepMetadata(response);
        return this.request.handleBodyResponse(r.value);
      case "responseBody":
        this.keepMetadata(response);
        return this.response.handleBodyResponse(r.value);
      case "requestTrailers":
        this.keepMetadata(response);
        return this.request.handleTrailersResponse(r.value);
      case "responseTrailers":
        this.keepMetadata(response);
        return this.response.handleTrailersResponse(r.value);
      case "immediateResponse":
        if (this.config.disableImmediateResponse) {
          return { ok: false, kind: "spurious", details: "unhandled_immediate_response" };
        }
        this.keepMetadata(response);
        this.complete = true;
        this.stopCalls();
        this.stream.close();
        this.sendLocalReply(immediateResponseReply(r.value, this.replyContext));
        return { ok: true };
      default:
        // streamed_immediate_response is not implemented here; an empty oneof is spurious.
        return { ok: false, kind: "spurious", details: "unhandled_message" };
    }
  }

  /** setDynamicMetadata: only top-level Struct values under a receiving namespace are kept. */
  private keepMetadata(response: ProcessingResponse): void {
    const metadata = response.dynamicMetadata;
    if (metadata === undefined) return;
    for (const namespace of this.config.receivingNamespaces) {
      const value = metadata[namespace];
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        this.dynamicMetadata[namespace] = value;
      }
    }
  }

  private onStreamEnded(code: number, details: string): void {
    if (this.complete) return;
    const canFailOpen = [this.request, this.response].every((s) => !(s.duplex && s.bodyReceived));
    this.apply(policy.onStreamEnded(this.config, code, details, canFailOpen));
  }

  private onTimeout(direction: Direction): void {
    if (this.complete) return;
    this.observe({ kind: "message_timeout", direction });
    this.apply(policy.onMessageTimeout(this.config));
  }

  // ---- outcomes -----------------------------------------------------------------------------

  private apply(decision: policy.FailureDecision): void {
    if (decision.action === "fail_closed") {
      this.failClosed(decision);
      return;
    }
    // Ignore the server from now on and release whatever is held, unmodified.
    this.complete = true;
    this.stream.close();
    this.observe({ kind: "failed_open", reason: decision.reason });
    this.request.clearAsyncState();
    this.response.clearAsyncState();
  }

  private failClosed(decision: Extract<policy.FailureDecision, { action: "fail_closed" }>): void {
    if (this.ended) return;
    this.complete = true;
    this.stopCalls();
    this.stream.close();
    this.sendLocalReply(
      errorReply(decision.status, decision.details, decision.cause, this.replyContext),
    );
  }

  private stopCalls(): void {
    this.request.onFinishCall();
    this.response.onFinishCall();
  }

  private sendLocalReply(reply: LocalReply): void {
    if (this.ended) return;
    this.ended = true;
    this.request.iteration.kill();
    this.response.iteration.kill();
    if (this.response.iteration.headersReleased) {
      // Response headers already went to the client: only a reset is possible (§2.H-7c).
      this.observe({ kind: "reset", details: reply.details });
      this.callbacks.reset(reply.details);
      return;
    }
    this.observe({ kind: "local_reply", reply });
    this.callbacks.localReply(reply);
  }
}
