/**
 * One direction's ext_proc state (Envoy's ProcessorState, contract §2.C/§2.D/§2.F): which
 * message is awaited, the held headers and trailers, the chunk FIFO, and how each kind of
 * server response is validated and applied. A response of the wrong kind or at the wrong time
 * is reported as spurious; a refused mutation as an error. The request and response directions
 * are two independent instances sharing one gRPC stream.
 */

import {
  type BodyResponse,
  type CommonResponse,
  CommonResponse_ResponseStatus,
  type HeadersResponse,
  type TrailersResponse,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { handleBodyResponse, handleTrailersResponse } from "./body-response.js";
import { applyBodyMutation, ChunkQueue } from "./chunk-queue.js";
import type { ExtProcConfig } from "./config.js";
import type { FilterIteration } from "./filter-iteration.js";
import { type HandleResult, OK, spurious } from "./handle-result.js";
import { applyHeaderMutation } from "./header-mutation.js";
import { removeHeader } from "./headers.js";
import { MessageTimer } from "./timeouts.js";
import type { BodyMode, Direction, HeaderList } from "./types.js";

export type CallbackState =
  | "idle"
  | "headers"
  | "buffered_body"
  | "streamed_body"
  | "buffered_partial_body"
  | "trailers";

/** What the direction needs from the filter (the exchange). */
export interface DirectionHost {
  readonly config: ExtProcConfig;
  sendBodyChunk(
    state: DirectionState,
    body: Uint8Array,
    endOfStream: boolean,
    next: CallbackState,
  ): void;
  sendTrailers(state: DirectionState, trailers: HeaderList): void;
  /** BUFFERED body over the buffer limit: 413 (request) / 500 (response), no server contact. */
  bufferLimitExceeded(state: DirectionState): void;
}

export class DirectionState {
  sendHeaders: boolean;
  bodyMode: BodyMode;
  sendTrailers: boolean;
  callbackState: CallbackState = "idle";
  /** Envoy's `paused_`: this filter stopped iteration and must continue it later. */
  paused = false;
  /** Held headers (Envoy's `headers_`), mutable until released. */
  headers: HeaderList | null = null;
  /** Held trailers awaiting their response or release. */
  trailers: HeaderList | null = null;
  noBody = false;
  completeBodyAvailable = false;
  trailersAvailable = false;
  trailersSent = false;
  bodyReceived = false;
  bodyReplaced = false;
  partialBodyProcessed = false;
  headersSeen = false;
  headerResponseReceived = false;
  duplexBodyEnded = false;
  sentAttributes = false;
  /** Body messages sent again after end_of_stream (fault switches) and not yet answered. */
  duplicatesOutstanding = 0;
  /** Bodies of the body messages sent, kept only while replayBodyAfterEndOfStream is on. */
  readonly sentBodies: Uint8Array[] = [];
  readonly queue = new ChunkQueue();
  readonly timer: MessageTimer;
  private watermarkRequested = false;

  constructor(
    readonly direction: Direction,
    readonly host: DirectionHost,
    readonly iteration: FilterIteration,
    onTimeout: () => void,
  ) {
    const mode = host.config.processingMode;
    const request = direction === "request";
    this.sendHeaders = (request ? mode.requestHeaderMode : mode.responseHeaderMode) === "SEND";
    this.bodyMode = request ? mode.requestBodyMode : mode.responseBodyMode;
    this.sendTrailers = (request ? mode.requestTrailerMode : mode.responseTrailerMode) === "SEND";
    this.timer = new MessageTimer(onTimeout);
  }

  get duplex(): boolean {
    return this.bodyMode === "FULL_DUPLEX_STREAMED";
  }

  /** processor_state.h shouldRemoveContentLength [1.29]. */
  shouldRemoveContentLength(): boolean {
    const config = this.host.config;
    if (!config.switches.stripContentLength || config.allowContentLengthHeader) return false;
    const mode = this.bodyMode;
    return (
      mode === "STREAMED" ||
      mode === "FULL_DUPLEX_STREAMED" ||
      mode === "BUFFERED_PARTIAL" ||
      (mode === "BUFFERED" && !this.sendHeaders)
    );
  }

  /** onStartProcessorCall: a message expecting a reply was sent (no timer in FULL_DUPLEX). */
  onStartCall(next: CallbackState): void {
    this.callbackState = next;
    if (!this.duplex) this.timer.start(this.host.config.messageTimeoutMs);
  }

  /** onFinishProcessorCall. */
  onFinishCall(next: CallbackState = "idle"): void {
    this.timer.stop();
    this.callbackState = next;
  }

  continueIfNecessary(): void {
    if (!this.paused) return;
    this.paused = false;
    this.iteration.continueIteration();
  }

  requestWatermark(): void {
    if (this.watermarkRequested) return;
    this.watermarkRequested = true;
    this.iteration.setWatermark("ext_proc", true);
  }

  clearWatermark(): void {
    if (!this.watermarkRequested) return;
    this.watermarkRequested = false;
    this.iteration.setWatermark("ext_proc", false);
  }

  queueOverHighLimit(): boolean {
    return this.queue.bytes > this.host.config.bufferLimitBytes;
  }

  queueBelowLowLimit(): boolean {
    return this.queue.bytes < this.host.config.bufferLimitBytes / 2;
  }

  enqueueChunk(bytes: Uint8Array, endOfStream: boolean): void {
    this.queue.push(bytes, endOfStream);
    if (this.queueOverHighLimit()) this.requestWatermark();
  }

  hasBufferedData(): boolean {
    return this.iteration.bufferedBytes > 0;
  }

  /** Moves the filter manager's buffered data out (leaving an empty buffer, as Envoy does). */
  takeBufferedData(): Uint8Array {
    const data = this.iteration.bufferedData ?? new Uint8Array(0);
    this.iteration.setBufferedData(new Uint8Array(0));
    return data;
  }

  // ---- server responses -------------------------------------------------------------------

  handleHeadersResponse(response: HeadersResponse): HandleResult {
    if (this.callbackState !== "headers") return spurious("spurious_message");
    const common = response.response;
    const replacing = common?.status === CommonResponse_ResponseStatus.CONTINUE_AND_REPLACE;
    const mutated = this.mutateHeaders(common, replacing);
    if (!mutated.ok) return mutated;
    this.headerResponseReceived = true;
    this.onFinishCall(replacing ? "idle" : this.stateAfterHeaderResponse());
    if (replacing) return this.continueAndReplace(common);
    return this.headerContinue();
  }

  handleBodyResponse(response: BodyResponse): HandleResult {
    return handleBodyResponse(this, response);
  }

  handleTrailersResponse(response: TrailersResponse): HandleResult {
    return handleTrailersResponse(this, response);
  }

  /**
   * clearAsyncState: stop waiting for the server, release whatever is queued unmodified, and
   * let the HTTP stream continue (fail-open, clean server close).
   */
  clearAsyncState(): void {
    this.onFinishCall();
    if (!this.queue.empty) {
      const all = this.queue.consolidate();
      this.queue.clear();
      this.iteration.inject(all.bytes, all.endStream);
    }
    this.clearWatermark();
    this.continueIfNecessary();
  }

  /**
   * True when no further message can be exchanged in this direction: the stream-close
   * optimisation closes the gRPC stream when both directions are finished.
   */
  isFinished(): boolean {
    if (this.callbackState !== "idle" || !this.queue.empty) return false;
    if (this.duplicatesOutstanding > 0) return false;
    if (!this.headersSeen) {
      return !this.sendHeaders && this.bodyMode === "NONE" && !this.sendTrailers;
    }
    if (this.noBody) return true;
    if (
      this.trailersAvailable &&
      this.trailers !== null &&
      this.sendTrailers &&
      !this.trailersSent
    ) {
      return false;
    }
    if (this.duplex && this.bodyReceived && !this.duplexBodyEnded) return false;
    if (this.completeBodyAvailable) return true;
    const bodyDone = this.bodyMode === "NONE" || this.bodyReplaced || this.partialBodyProcessed;
    return bodyDone && !this.sendTrailers;
  }

  // ---- helpers ----------------------------------------------------------------------------

  mutationLimits() {
    const config = this.host.config;
    return {
      rules: config.mutationRules,
      maxHeadersCount: config.maxHeadersCount,
      maxHeadersKb: config.maxHeadersKb,
    };
  }

  mutateHeaders(common: CommonResponse | undefined, replacing: boolean): HandleResult {
    if (common?.headerMutation === undefined || this.headers === null) return OK;
    const result = applyHeaderMutation(this.headers, common.headerMutation, {
      ...this.mutationLimits(),
      replacingMessage: replacing,
      removeContentLength: this.shouldRemoveContentLength(),
    });
    return result.ok ? OK : { ok: false, kind: "error", details: result.details };
  }

  private stateAfterHeaderResponse(): CallbackState {
    if (this.duplex) {
      if (this.bodyReceived && !this.duplexBodyEnded) return "streamed_body";
      if (this.trailersSent && this.trailers !== null) return "trailers";
    }
    return "idle";
  }

  private continueAndReplace(common: CommonResponse | undefined): HandleResult {
    if (common?.bodyMutation !== undefined && this.headers !== null) {
      removeHeader(this.headers, "content-length");
      this.bodyReplaced = true;
      const current = this.iteration.bufferedData ?? new Uint8Array(0);
      this.iteration.setBufferedData(applyBodyMutation(current, common.bodyMutation));
    }
    this.queue.clear();
    this.bodyMode = "NONE";
    this.sendTrailers = false;
    this.clearWatermark();
    this.headers = null;
    this.continueIfNecessary();
    return OK;
  }

  private headerContinue(): HandleResult {
    if (this.noBody) return this.trailersAndCleanup();
    if (
      this.bodyMode === "BUFFERED" &&
      this.iteration.bufferedBytes > this.host.config.bufferLimitBytes
    ) {
      // Held while the header response was pending (watermark); now it must fit the buffer.
      this.host.bufferLimitExceeded(this);
      return OK;
    }
    if (this.completeBodyAvailable && this.bodyMode !== "NONE")
      return this.completeBodyAvailableNow();
    switch (this.bodyMode) {
      case "BUFFERED":
        // Headers stay held until the body response; the body is gathered by onData.
        this.clearWatermark();
        return OK;
      case "STREAMED":
      case "FULL_DUPLEX_STREAMED":
        this.sendBufferedDataStreamed(false);
        this.continueIfNecessary();
        return OK;
      case "BUFFERED_PARTIAL":
        return this.bufferedPartialAfterHeaders();
      default:
        return this.trailersAndCleanup();
    }
  }

  /** The whole body arrived while the header response was pending (C3-2, C4-2). */
  private completeBodyAvailableNow(): HandleResult {
    if (this.callbackState !== "idle") {
      this.sendBufferedDataStreamed(this.trailers === null);
      return OK;
    }
    const data = this.iteration.bufferedData;
    if (data === null) return this.trailersAndCleanup();
    this.host.sendBodyChunk(this, data, this.trailers === null, "buffered_body");
    this.clearWatermark();
    return OK;
  }

  private sendBufferedDataStreamed(endOfStream: boolean): void {
    if (this.hasBufferedData()) {
      const chunk = this.takeBufferedData();
      if (!this.duplex) this.enqueueChunk(chunk, endOfStream);
      this.host.sendBodyChunk(this, chunk, endOfStream, "streamed_body");
    }
    if (this.queueBelowLowLimit()) this.clearWatermark();
  }

  private bufferedPartialAfterHeaders(): HandleResult {
    if (this.hasBufferedData()) this.enqueueChunk(this.takeBufferedData(), false);
    if (this.queueOverHighLimit()) {
      const all = this.queue.consolidate();
      this.host.sendBodyChunk(this, all.bytes, false, "buffered_partial_body");
    } else {
      this.clearWatermark();
    }
    return OK;
  }

  private trailersAndCleanup(): HandleResult {
    if (this.sendTrailers && this.trailers !== null && !this.trailersSent) {
      this.host.sendTrailers(this, this.trailers);
      this.clearWatermark();
      return OK;
    }
    this.headers = null;
    this.continueIfNecessary();
    this.clearWatermark();
    return OK;
  }
}
