/**
 * How Envoy sends a direction's body (ProcessingMode.BodySendMode), in weir's own vocabulary so
 * configuration files and the CLI need not know protobuf enum numbers. Envoy reports the
 * effective modes in `protocol_config` on the first message of a stream (Envoy >= 1.34,
 * contract §2.B-5); for older Envoy the configured default applies.
 */
import { ProcessingMode_BodySendMode } from "../gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";

export const BODY_MODES = [
  "none",
  "streamed",
  "buffered",
  "buffered_partial",
  "full_duplex_streamed",
] as const;
export type BodyMode = (typeof BODY_MODES)[number];

/**
 * Map Envoy's enum. GRPC (5) is not implemented by Envoy's HTTP filter (contract §1.3) and
 * unknown future values are open enum numbers: both are read as "streamed", the mode whose state
 * machine accepts every body sequence the others produce.
 */
export function bodyModeFromProto(mode: ProcessingMode_BodySendMode): BodyMode {
  switch (mode) {
    case ProcessingMode_BodySendMode.NONE:
      return "none";
    case ProcessingMode_BodySendMode.STREAMED:
      return "streamed";
    case ProcessingMode_BodySendMode.BUFFERED:
      return "buffered";
    case ProcessingMode_BodySendMode.BUFFERED_PARTIAL:
      return "buffered_partial";
    case ProcessingMode_BodySendMode.FULL_DUPLEX_STREAMED:
      return "full_duplex_streamed";
    default:
      return "streamed";
  }
}

/** Modes in which Envoy sends the whole (or the partial) body as exactly one message. */
export function isSingleMessageBody(mode: BodyMode): boolean {
  return mode === "buffered" || mode === "buffered_partial";
}

/** Modes in which Envoy still holds the headers when it sends the body (contract §2.C C3-3, C5-4). */
export function headersHeldDuringBody(mode: BodyMode): boolean {
  return mode === "buffered" || mode === "buffered_partial";
}
