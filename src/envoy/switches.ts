/**
 * Envoy behaviours that changed between releases, as booleans, so the simulator and the proxy
 * can act like a given Envoy version (contract §2.T). Each switch names the runtime guard or the
 * release that introduced the behaviour.
 */

export interface Switches {
  /** `protocol_config` on the first message of a stream [1.34]. Off = older Envoy. */
  sendProtocolConfig: boolean;
  /**
   * Runtime guard `ext_proc_fail_close_spurious_resp` [1.35, on]: a spurious server message
   * fails closed (status_on_error) unless failure_mode_allow. Off = ignore the server from then
   * on and let traffic through unmodified.
   */
  failCloseSpuriousResponse: boolean;
  /**
   * Runtime guard `ext_proc_stream_close_optimization` [1.37, on]: close the gRPC stream as soon
   * as no further message can be exchanged (both directions finished; never with BUFFERED or
   * BUFFERED_PARTIAL configured). Off = close only when the HTTP stream is destroyed.
   */
  streamCloseOptimization: boolean;
  /**
   * Runtime guard `ext_proc_graceful_grpc_close` [1.34, off]: half-close and wait up to
   * `remoteCloseTimeoutMs` for the server to end the stream. Off = half-close then cancel at once.
   */
  gracefulGrpcClose: boolean;
  /**
   * [1.28] Envoy no longer invents empty trailers when the trailer mode is SEND and the message
   * has none. Off = older Envoy: an empty trailers message follows a body without trailers.
   */
  noSyntheticTrailers: boolean;
  /** [1.29] content-length is stripped in STREAMED, BUFFERED_PARTIAL, FULL_DUPLEX and BUFFERED+SKIP. */
  stripContentLength: boolean;
  /** [1.31] A message timeout answers 504; before, 500. */
  timeoutIs504: boolean;
  /**
   * [post-snapshot report, envoy#46237, unconfirmed; off in every preset] FULL_DUPLEX_STREAMED
   * on 1.35-1.37 was reported to send the final body message (end_of_stream set) a second time
   * on large bodies. On: after a body message with end_of_stream, the same message goes out
   * again and Envoy expects one more BodyResponse for it, which releases nothing.
   */
  redeliverLastBodyChunk: boolean;
  /**
   * [report, envoy#36119 (retries with STREAMED bodies), fixed by envoy#37994; off in every
   * preset] On: after a body message with end_of_stream, every body message of that direction
   * is sent once more, in order, as a retry replaying the buffered body would; each expects a
   * BodyResponse, which releases nothing.
   */
  replayBodyAfterEndOfStream: boolean;
}

export type EnvoyVersion = "1.30" | "1.34" | "1.37";

const V1_37: Switches = {
  sendProtocolConfig: true,
  failCloseSpuriousResponse: true,
  streamCloseOptimization: true,
  gracefulGrpcClose: false,
  noSyntheticTrailers: true,
  stripContentLength: true,
  timeoutIs504: true,
  redeliverLastBodyChunk: false,
  replayBodyAfterEndOfStream: false,
};

const PRESETS: Record<EnvoyVersion, Switches> = {
  "1.30": {
    ...V1_37,
    sendProtocolConfig: false,
    failCloseSpuriousResponse: false,
    streamCloseOptimization: false,
    timeoutIs504: false,
  },
  "1.34": { ...V1_37, failCloseSpuriousResponse: false, streamCloseOptimization: false },
  "1.37": V1_37,
};

/** The switches of an Envoy release, optionally with some flipped. */
export function switchesFor(version: EnvoyVersion, overrides: Partial<Switches> = {}): Switches {
  return { ...PRESETS[version], ...overrides };
}

/** The default: Envoy 1.37 behaviour, as the contract recommends. */
export const DEFAULT_SWITCHES: Readonly<Switches> = Object.freeze({ ...V1_37 });
