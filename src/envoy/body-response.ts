/**
 * How one direction applies BodyResponses and TrailersResponses (processor_state
 * handleBodyResponse / handleTrailersResponse, contract §2.C and §2.F): per body mode, which
 * replies are valid, how the body mutation applies to the buffered body or to the queued chunk,
 * and when held trailers are sent or the HTTP stream continues.
 */
import type {
  BodyResponse,
  CommonResponse,
  TrailersResponse,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { applyBodyMutation, mutatedBodyLength } from "./chunk-queue.js";
import type { DirectionState } from "./direction.js";
import { type HandleResult, OK, spurious } from "./handle-result.js";
import { applyHeaderMutation } from "./header-mutation.js";
import { getHeader } from "./headers.js";

export function handleBodyResponse(state: DirectionState, response: BodyResponse): HandleResult {
  if (answersDuplicate(state)) {
    // The answer to a body message sent again after end_of_stream: nothing to release.
    state.duplicatesOutstanding--;
    return OK;
  }
  const common = response.response;
  const streamed = common?.bodyMutation?.mutation.case === "streamedResponse";
  if (state.duplex) {
    if (!state.headerResponseReceived || state.duplexBodyEnded) return spurious("spurious_message");
    if (!streamed)
      return spurious("spurious_message:_normal_body_mutation_in_FULL_DUPLEX_STREAMED");
    return finalizeBody(state, duplexBodyResponse(state, common));
  }
  let result: HandleResult | boolean;
  switch (state.callbackState) {
    case "buffered_body":
      result = streamed ? spurious("spurious_message") : bufferedBodyResponse(state, common);
      break;
    case "streamed_body":
      result = streamed
        ? spurious("spurious_message:_streamed_response_outside_FULL_DUPLEX_STREAMED")
        : streamedBodyResponse(state, common);
      break;
    case "buffered_partial_body":
      result = streamed ? spurious("spurious_message") : partialBodyResponse(state, common);
      break;
    default:
      return spurious("spurious_message");
  }
  if (typeof result !== "boolean") return result;
  return finalizeBody(state, result);
}

export function handleTrailersResponse(
  state: DirectionState,
  response: TrailersResponse,
): HandleResult {
  const valid =
    state.callbackState === "trailers" || (state.duplex && state.headerResponseReceived);
  if (!valid) return spurious("spurious_message");
  if (response.headerMutation !== undefined && state.trailers !== null) {
    const result = applyHeaderMutation(state.trailers, response.headerMutation, {
      ...state.mutationLimits(),
      replacingMessage: false,
      removeContentLength: false,
    });
    if (!result.ok) return { ok: false, kind: "error", details: result.details };
  }
  state.trailers = null;
  state.onFinishCall();
  state.continueIfNecessary();
  return OK;
}

/**
 * Answers come in message order, so once every real body message of the direction is answered,
 * a BodyResponse belongs to a duplicate sent after end_of_stream (fault switches).
 */
function answersDuplicate(state: DirectionState): boolean {
  if (state.duplicatesOutstanding === 0) return false;
  if (state.duplex) return state.duplexBodyEnded;
  return (
    state.queue.empty &&
    state.callbackState !== "buffered_body" &&
    state.callbackState !== "buffered_partial_body"
  );
}

/** BUFFERED (or a body complete during the header wait): the whole body, headers still held. */
function bufferedBodyResponse(
  state: DirectionState,
  common: CommonResponse | undefined,
): HandleResult | boolean {
  const mutated = state.mutateHeaders(common, false);
  if (!mutated.ok) return mutated;
  const mutation = common?.bodyMutation;
  if (mutation !== undefined) {
    // C3-5: checked after the header mutation, which may fix content-length.
    const declared = state.headers ? getHeader(state.headers, "content-length") : undefined;
    if (declared !== undefined && /^[0-9]+$/.test(declared)) {
      if (Number(declared) !== mutatedBodyLength(mutation)) {
        return {
          ok: false,
          kind: "error",
          details: "mismatch_between_content_length_and_the_length_of_the_mutated_body",
        };
      }
    }
    const current = state.iteration.bufferedData ?? new Uint8Array(0);
    state.iteration.setBufferedData(applyBodyMutation(current, mutation));
  }
  state.clearWatermark();
  state.onFinishCall();
  return true;
}

/** STREAMED: the reply belongs to the oldest queued chunk; its header mutation is ignored. */
function streamedBodyResponse(
  state: DirectionState,
  common: CommonResponse | undefined,
): HandleResult | boolean {
  const chunk = state.queue.pop();
  if (chunk === undefined) return spurious("spurious_message");
  const data = applyBodyMutation(chunk.bytes, common?.bodyMutation);
  state.iteration.inject(data, chunk.endStream);
  if (state.queueBelowLowLimit()) state.clearWatermark();
  state.onFinishCall(state.queue.empty ? "idle" : "streamed_body");
  return chunk.endStream;
}

/** BUFFERED_PARTIAL: the partial buffer, then whatever queued meanwhile, then pass-through. */
function partialBodyResponse(
  state: DirectionState,
  common: CommonResponse | undefined,
): HandleResult | boolean {
  const chunk = state.queue.pop();
  if (chunk === undefined) return spurious("spurious_message");
  const mutated = state.mutateHeaders(common, false);
  if (!mutated.ok) return mutated;
  const data = applyBodyMutation(chunk.bytes, common?.bodyMutation);
  if (data.length > 0) state.iteration.inject(data, chunk.endStream);
  state.onFinishCall();
  if (!state.queue.empty) {
    const rest = state.queue.consolidate();
    state.queue.clear();
    state.iteration.inject(rest.bytes, rest.endStream);
  }
  state.clearWatermark();
  state.partialBodyProcessed = true;
  return true;
}

/** FULL_DUPLEX_STREAMED: forward exactly what the server streams (M:N chunking). */
function duplexBodyResponse(state: DirectionState, common: CommonResponse | undefined): boolean {
  const mutation = common?.bodyMutation?.mutation;
  if (mutation?.case !== "streamedResponse") return false;
  const { body, endOfStream } = mutation.value;
  state.iteration.inject(body, endOfStream);
  if (endOfStream) {
    state.duplexBodyEnded = true;
    state.onFinishCall(state.trailersSent && state.trailers !== null ? "trailers" : "idle");
  } else {
    state.onFinishCall("streamed_body");
  }
  return endOfStream;
}

/** finalizeBodyResponse: send held trailers once the queue is drained, or continue. */
function finalizeBody(state: DirectionState, shouldContinue: boolean): HandleResult {
  state.headers = null;
  const awaitingTrailersResponse = state.trailersSent && state.trailers !== null;
  if (state.sendTrailers && state.trailers !== null && state.queue.empty && !state.trailersSent) {
    state.host.sendTrailers(state, state.trailers);
  } else if (
    !awaitingTrailersResponse &&
    (shouldContinue || (state.trailers !== null && state.queue.empty))
  ) {
    state.continueIfNecessary();
  }
  return OK;
}
