/**
 * `mode_override`: a route's policy may want other body modes than the ones Envoy's filter is
 * configured with (skip the bodies of static assets, inspect a JSON API BUFFERED). weir asks
 * for them in its answer to the request headers, and only where Envoy honours the field
 * (contract §2.L):
 * - only on the request-headers answer (Envoy reads it only while a direction awaits a header
 *   answer, 1.28+; the request headers are the one such answer that comes before both bodies);
 * - never in observability mode (Envoy ignores every answer, §2.O);
 * - never when `protocol_config` says `send_body_without_waiting_for_header_response` (§2.P)
 *   or either configured body mode is FULL_DUPLEX_STREAMED (§2.C C6-1): Envoy ignores it there;
 * - never *into* FULL_DUPLEX_STREAMED: that mode needs trailer mode SEND and answers of another
 *   kind, so it is configured in Envoy, not switched per route; such a wish is dropped.
 *
 * The override weir sends is always the same shape, so operators can list it verbatim in
 * Envoy's `allowed_override_modes` (§2.L-3, an exact match): both body modes set (Envoy takes
 * body modes literally, an unset one would mean NONE), every header and trailer mode DEFAULT
 * ("keep the configured value" since 1.34; on older Envoy, DEFAULT is literally SEND for
 * headers and SKIP for trailers). The mode of the direction the route does not name is the one
 * Envoy reported (or the configured default when Envoy < 1.34 sent no protocol_config).
 *
 * Envoy also ignores the field silently when its `allow_mode_override` is off, which weir cannot
 * know: the direction state machines accept both the requested and the reported mode
 * (direction-state.ts), so inspection stays correct whichever mode arrives.
 */
import { create } from "@bufbuild/protobuf";
import {
  type ProcessingMode,
  ProcessingMode_BodySendMode,
  ProcessingModeSchema,
} from "../gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";
import type { BodyMode } from "./body-mode.js";

/** What the stream's first message said about modes (or the configured default). */
export interface NegotiatedModes {
  readonly request: BodyMode;
  readonly response: BodyMode;
  readonly sendBodyWithoutWaiting: boolean;
}

export interface WantedBodyModes {
  readonly request?: BodyMode;
  readonly response?: BodyMode;
}

export interface ModeOverridePlan {
  /** The body modes weir asks for (both directions). */
  readonly request: BodyMode;
  readonly response: BodyMode;
  readonly message: ProcessingMode;
}

/** The override to send with the request-headers answer, or undefined when none applies. */
export function planModeOverride(
  wanted: WantedBodyModes,
  negotiated: NegotiatedModes,
  observing: boolean,
): ModeOverridePlan | undefined {
  if (observing || negotiated.sendBodyWithoutWaiting) return undefined;
  if (isDuplex(negotiated.request) || isDuplex(negotiated.response)) return undefined;
  const request = usable(wanted.request) ?? negotiated.request;
  const response = usable(wanted.response) ?? negotiated.response;
  if (request === negotiated.request && response === negotiated.response) return undefined;
  return {
    request,
    response,
    message: create(ProcessingModeSchema, {
      requestBodyMode: BODY_MODE_PROTO[request],
      responseBodyMode: BODY_MODE_PROTO[response],
    }),
  };
}

function isDuplex(mode: BodyMode): boolean {
  return mode === "full_duplex_streamed";
}

function usable(mode: BodyMode | undefined): BodyMode | undefined {
  return mode === undefined || isDuplex(mode) ? undefined : mode;
}

const BODY_MODE_PROTO: Readonly<Record<BodyMode, ProcessingMode_BodySendMode>> = {
  none: ProcessingMode_BodySendMode.NONE,
  streamed: ProcessingMode_BodySendMode.STREAMED,
  buffered: ProcessingMode_BodySendMode.BUFFERED,
  buffered_partial: ProcessingMode_BodySendMode.BUFFERED_PARTIAL,
  full_duplex_streamed: ProcessingMode_BodySendMode.FULL_DUPLEX_STREAMED,
};
