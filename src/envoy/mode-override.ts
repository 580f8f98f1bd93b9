/**
 * A server's `mode_override` (contract §2.L), honoured only with allow_mode_override while a
 * direction awaits a header response (the exchange checks that), never with FULL_DUPLEX
 * configured. Header and trailer modes left DEFAULT keep the configured value [1.34]; body modes
 * are taken literally (unset means NONE); request_header_mode has no effect.
 */
import {
  type ProcessingMode,
  ProcessingMode_HeaderSendMode,
} from "../gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";
import type { ExtProcConfig } from "./config.js";
import type { DirectionState } from "./direction.js";
import type { SendMode } from "./types.js";
import { bodyModeFromEnum } from "./wire.js";

/** Returns false when the override is ignored. */
export function applyModeOverride(
  config: ExtProcConfig,
  mode: ProcessingMode,
  request: DirectionState,
  response: DirectionState,
): boolean {
  const configured = config.processingMode;
  if (
    configured.requestBodyMode === "FULL_DUPLEX_STREAMED" ||
    configured.responseBodyMode === "FULL_DUPLEX_STREAMED"
  ) {
    return false;
  }
  response.sendHeaders =
    effective(mode.responseHeaderMode, configured.responseHeaderMode) === "SEND";
  request.sendTrailers =
    effective(mode.requestTrailerMode, configured.requestTrailerMode) === "SEND";
  response.sendTrailers =
    effective(mode.responseTrailerMode, configured.responseTrailerMode) === "SEND";
  // GRPC and unknown body modes are not implemented by Envoy's filter: they behave as NONE.
  request.bodyMode = bodyModeFromEnum(mode.requestBodyMode) ?? "NONE";
  response.bodyMode = bodyModeFromEnum(mode.responseBodyMode) ?? "NONE";
  return true;
}

function effective(value: ProcessingMode_HeaderSendMode, configured: SendMode): SendMode {
  switch (value) {
    case ProcessingMode_HeaderSendMode.SEND:
      return "SEND";
    case ProcessingMode_HeaderSendMode.SKIP:
      return "SKIP";
    default:
      return configured;
  }
}
