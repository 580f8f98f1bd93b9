/**
 * What Envoy does when the processor misbehaves or disappears (contract §2.D-2, §2.J-2, §2.K),
 * as data: fail open (stop consulting the server, release held data unmodified) or fail closed
 * (a local reply with a status and details).
 */
import type { ExtProcConfig } from "./config.js";
import type { LocalReplyCause } from "./types.js";

export type FailureDecision =
  | { action: "fail_open"; reason: string }
  | { action: "fail_closed"; status: number; details: string; cause: LocalReplyCause };

/** A spurious message: fail closed from 1.35 on (guard on) unless failure_mode_allow. */
export function onSpuriousMessage(config: ExtProcConfig, details: string): FailureDecision {
  if (config.switches.failCloseSpuriousResponse && !config.failureModeAllow) {
    return {
      action: "fail_closed",
      status: config.statusOnError,
      details,
      cause: "spurious_message",
    };
  }
  return { action: "fail_open", reason: `spurious message: ${details}` };
}

/**
 * The server or the transport ended the stream. OK: stop consulting the server. Otherwise fail
 * closed with status_on_error, unless failure_mode_allow and fail-open is still possible (not
 * after FULL_DUPLEX body data was drained).
 */
export function onStreamEnded(
  config: ExtProcConfig,
  code: number,
  message: string,
  canFailOpen: boolean,
): FailureDecision {
  if (code === 0) return { action: "fail_open", reason: "server closed the stream" };
  if (config.failureModeAllow && canFailOpen)
    return { action: "fail_open", reason: `gRPC error ${code}` };
  return {
    action: "fail_closed",
    status: config.statusOnError,
    details: `ext_proc_error_gRPC_error_${code}{${message}}`,
    cause: "grpc_error",
  };
}

/** The message timer fired: 504 (500 before 1.31) unless failure_mode_allow. */
export function onMessageTimeout(config: ExtProcConfig): FailureDecision {
  if (config.failureModeAllow) return { action: "fail_open", reason: "message timeout" };
  return {
    action: "fail_closed",
    status: config.switches.timeoutIs504 ? 504 : 500,
    details: "ext_proc_error_per-message_timeout_exceeded",
    cause: "message_timeout",
  };
}

/** A refused header mutation or a content-length mismatch: always fails closed (§2.K-3). */
export function onRejectedMutation(config: ExtProcConfig, details: string): FailureDecision {
  return { action: "fail_closed", status: config.statusOnError, details, cause: "mutation_error" };
}
