/**
 * A server's `mode_override` (contract §2.L), honoured only with allow_mode_override while a
 * direction awaits a header response (the exchange checks that), never with FULL_DUPLEX
 * configured. Header and trailer modes left DEFAULT keep the configured value [1.34]; body modes
 * are taken literally (unset means NONE); request_header_mode has no effect. With
 * `allowed_override_modes` configured [1.32] the resulting mode must equal one of them exactly,
 * request_header_mode aside [1.34], or the override is ignored (§2.L-3).
 */
import {
  type ProcessingMode,
  ProcessingMode_HeaderSendMode,
} from "../gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";
import type { ExtProcConfig, ProcessingModeConfig } from "./config.js";
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
  const result: Omit<ProcessingModeConfig, "requestHeaderMode"> = {
    responseHeaderMode: effective(mode.responseHeaderMode, configured.responseHeaderMode),
    requestTrailerMode: effective(mode.requestTrailerMode, configured.requestTrailerMode),
    responseTrailerMode: effective(mode.responseTrailerMode, configured.responseTrailerMode),
    // GRPC and unknown body modes are not implemented by Envoy's filter: they behave as NONE.
    requestBodyMode: bodyModeFromEnum(mode.requestBodyMode) ?? "NONE",
    responseBodyMode: bodyModeFromEnum(mode.responseBodyMode) ?? "NONE",
  };
  const allowed = config.allowedOverrideModes;
  if (allowed.length > 0 && !allowed.some((entry) => sameMode(entry, result))) return false;
  response.sendHeaders = result.responseHeaderMode === "SEND";
  request.sendTrailers = result.requestTrailerMode === "SEND";
  response.sendTrailers = result.responseTrailerMode === "SEND";
  request.bodyMode = result.requestBodyMode;
  response.bodyMode = result.responseBodyMode;
  return true;
}

/** An allowed_override_modes entry against the resulting mode, request_header_mode aside. */
function sameMode(
  entry: Omit<ProcessingModeConfig, "requestHeaderMode">,
  result: Omit<ProcessingModeConfig, "requestHeaderMode">,
): boolean {
  return (
    entry.responseHeaderMode === result.responseHeaderMode &&
    entry.requestTrailerMode === result.requestTrailerMode &&
    entry.responseTrailerMode === result.responseTrailerMode &&
    entry.requestBodyMode === result.requestBodyMode &&
    entry.responseBodyMode === result.responseBodyMode
  );
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
