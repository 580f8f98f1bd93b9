/**
 * The filter's side of the HTTP stream (Envoy's Filter::onHeaders/onData/onTrailers): what
 * ext_proc does with each piece of traffic as it arrives, per body mode (contract §2.C), and the
 * filter status it hands to the filter manager (FilterIteration).
 */
import type { CallbackState, DirectionHost, DirectionState } from "./direction.js";
import { removeHeader } from "./headers.js";
import type { HeaderList } from "./types.js";

export interface InputHost extends DirectionHost {
  /** Envoy's `processing_complete_`: the server is no longer consulted for this exchange. */
  readonly processingComplete: boolean;
  /** Opens the gRPC stream if needed; false when processing is complete (pass through). */
  openStream(): boolean;
  sendHeadersMessage(state: DirectionState, headers: HeaderList, endOfStream: boolean): void;
}

const EMPTY = new Uint8Array(0);

export function onHeaders(
  host: InputHost,
  state: DirectionState,
  headers: HeaderList,
  endOfStream: boolean,
): void {
  state.headersSeen = true;
  if (endOfStream) state.completeBodyAvailable = true;
  let stop = false;
  if (!host.processingComplete && state.sendHeaders && host.openStream()) {
    state.headers = headers;
    state.noBody = endOfStream;
    host.sendHeadersMessage(state, headers, endOfStream);
    state.paused = true;
    stop = true;
  }
  // The server saw the original content-length; the upstream will not (§2.B-2).
  if (!host.processingComplete && state.shouldRemoveContentLength()) {
    removeHeader(headers, "content-length");
  }
  state.iteration.onHeaders(headers, endOfStream, stop ? "stop" : "continue");
}

export function onData(
  host: InputHost,
  state: DirectionState,
  chunk: Uint8Array,
  endOfStream: boolean,
): void {
  const iteration = state.iteration;
  if (endOfStream) state.completeBodyAvailable = true;
  if (state.bodyReplaced) {
    iteration.onData(EMPTY, endOfStream, "continue");
    return;
  }
  if (host.processingComplete) {
    iteration.onData(chunk, endOfStream, "continue");
    return;
  }
  if (state.callbackState === "headers" && !state.duplex) {
    // Held until the header response says what to do with the body (C4-2); no 413 here.
    state.paused = true;
    state.requestWatermark();
    iteration.onData(chunk, endOfStream, "stop_and_watermark");
    return;
  }
  switch (state.bodyMode) {
    case "BUFFERED":
      bufferedData(host, state, chunk, endOfStream);
      return;
    case "STREAMED":
      if (!host.openStream()) break;
      state.enqueueChunk(chunk, endOfStream);
      host.sendBodyChunk(state, chunk, endOfStream, "streamed_body");
      if (endOfStream) {
        state.paused = true;
        iteration.onData(EMPTY, true, "stop_no_buffer");
      } else {
        iteration.onData(EMPTY, false, "continue");
      }
      return;
    case "FULL_DUPLEX_STREAMED":
      if (!host.openStream()) break;
      state.bodyReceived = true;
      host.sendBodyChunk(state, chunk, endOfStream, "streamed_body");
      state.paused = true;
      iteration.onData(EMPTY, endOfStream, "stop_no_buffer");
      return;
    case "BUFFERED_PARTIAL":
      partialData(host, state, chunk, endOfStream);
      return;
    case "NONE":
      break;
  }
  iteration.onData(chunk, endOfStream, "continue");
}

function bufferedData(
  host: InputHost,
  state: DirectionState,
  chunk: Uint8Array,
  endOfStream: boolean,
): void {
  state.paused = true;
  if (!endOfStream) {
    state.iteration.onData(chunk, false, "stop_and_buffer");
    return;
  }
  if (!host.openStream()) {
    state.iteration.onData(chunk, true, "continue");
    return;
  }
  state.iteration.addBufferedData(chunk);
  if (host.processingComplete) return; // the buffer limit answered 413/500
  const all = state.iteration.bufferedData ?? EMPTY;
  host.sendBodyChunk(state, all, true, "buffered_body");
  state.iteration.onData(EMPTY, true, "stop_no_buffer");
}

function partialData(
  host: InputHost,
  state: DirectionState,
  chunk: Uint8Array,
  endOfStream: boolean,
): void {
  const iteration = state.iteration;
  if (state.partialBodyProcessed) {
    state.headers = null;
    iteration.onData(chunk, endOfStream, "continue");
    return;
  }
  state.enqueueChunk(chunk, endOfStream);
  if (
    state.callbackState !== "buffered_partial_body" &&
    (endOfStream || state.queueOverHighLimit())
  ) {
    if (host.openStream()) {
      const all = state.queue.consolidate();
      host.sendBodyChunk(state, all.bytes, all.endStream, "buffered_partial_body");
    }
  }
  state.paused = true;
  iteration.onData(EMPTY, endOfStream, "stop_no_buffer");
}

export function onTrailers(host: InputHost, state: DirectionState, trailers: HeaderList): void {
  const iteration = state.iteration;
  if (host.processingComplete) {
    iteration.onTrailers(trailers, "continue");
    return;
  }
  const bodyDelivered = state.completeBodyAvailable;
  state.completeBodyAvailable = true;
  state.trailersAvailable = true;
  state.trailers = trailers;
  if (state.duplex && state.sendTrailers) {
    // FULL_DUPLEX: trailers go out at once, even with body responses outstanding (C6-2).
    if (host.openStream()) host.sendTrailers(state, trailers);
    state.paused = true;
    iteration.onTrailers(trailers, "stop");
    return;
  }
  if (state.callbackState !== "idle") {
    state.paused = true;
    iteration.onTrailers(trailers, "stop");
    return;
  }
  const next = bodyBeforeTrailers(state, bodyDelivered);
  if (next !== null) {
    if (host.openStream()) {
      const body =
        next === "buffered_body"
          ? (iteration.bufferedData ?? EMPTY)
          : state.queue.consolidate().bytes;
      host.sendBodyChunk(state, body, false, next);
    }
    state.paused = true;
    iteration.onTrailers(trailers, "stop");
    return;
  }
  if (!state.sendTrailers || !host.openStream()) {
    iteration.onTrailers(trailers, "continue");
    return;
  }
  host.sendTrailers(state, trailers);
  state.paused = true;
  iteration.onTrailers(trailers, "stop");
}

/** BUFFERED/BUFFERED_PARTIAL: trailers reveal that the gathered body is complete. */
function bodyBeforeTrailers(state: DirectionState, bodyDelivered: boolean): CallbackState | null {
  if (bodyDelivered) return null;
  if (state.bodyMode === "BUFFERED" && state.iteration.bufferedData !== null)
    return "buffered_body";
  if (state.bodyMode === "BUFFERED_PARTIAL" && !state.queue.empty) return "buffered_partial_body";
  return null;
}
