/**
 * The seam between the HTTP side (weir proxy, the test simulator) and the Envoy-faithful ext_proc
 * client core. The HTTP side feeds one exchange's traffic in with Envoy's filter vocabulary
 * (decodeHeaders/decodeData/... for the request, encode* for the response) and receives what
 * Envoy would release, in order, through these callbacks.
 */
import type {
  ProcessingRequest,
  ProcessingResponse,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";

/**
 * Header or trailer list in wire order. Names are lower-case. Values are byte strings: each
 * UTF-16 code unit is one byte (0-255), as node:http exposes them (latin1), so any byte sequence
 * survives the trip to `raw_value` and back.
 */
export type HeaderList = Array<[name: string, value: string]>;

/** Envoy's two filter directions: decoding (request) and encoding (response). */
export type Direction = "request" | "response";

export type BodyMode =
  | "NONE"
  | "STREAMED"
  | "BUFFERED"
  | "BUFFERED_PARTIAL"
  | "FULL_DUPLEX_STREAMED";
export type SendMode = "SEND" | "SKIP";

/** Where one direction's released traffic goes (the upstream for requests, the client for responses). */
export interface FlowSink {
  headers(headers: HeaderList, endOfStream: boolean): void;
  data(chunk: Uint8Array, endOfStream: boolean): void;
  /** Trailers always end the stream. */
  trailers(trailers: HeaderList): void;
  /**
   * Envoy's watermark: `true` asks the source to stop reading (too much held), `false` to resume.
   * Optional: a source that ignores it only uses more memory.
   */
  watermark?(above: boolean): void;
}

/** What ended an exchange without the upstream answering: Envoy's own reply to the client. */
export interface LocalReply {
  /** HTTP status sent to the client (200 for gRPC trailers-only replies). */
  status: number;
  /** Complete reply headers, `:status` first. */
  headers: HeaderList;
  /** Reply body (empty for HEAD and gRPC trailers-only replies). */
  body: Uint8Array;
  /** Envoy's response-code details (`%RESPONSE_CODE_DETAILS%`). */
  details: string;
  /** Why Envoy replied: the server asked, or one of Envoy's own failure paths. */
  cause: LocalReplyCause;
  /** The grpc-status of a gRPC trailers-only reply, else null. */
  grpcStatus: number | null;
}

export type LocalReplyCause =
  | "immediate_response"
  | "grpc_error"
  | "message_timeout"
  | "spurious_message"
  | "mutation_error"
  | "buffer_limit";

export interface ExchangeCallbacks {
  /** Request direction: what Envoy forwards to the upstream. */
  upstream: FlowSink;
  /** Response direction: what Envoy sends to the client. */
  downstream: FlowSink;
  /** Envoy answers the client itself; nothing more is released in either direction. */
  localReply(reply: LocalReply): void;
  /**
   * Envoy resets the client stream: a local reply was due after response headers had already
   * gone to the client (§2.H-7c). Nothing more is released.
   */
  reset(details: string): void;
}

/** How Envoy ended the gRPC stream, or how the server did. */
export type StreamCloseKind = "half_close_and_cancel" | "graceful" | "server_ok" | "server_error";

/** Everything the core does on the wire and why, for transcripts and assertions. */
export type ExchangeEvent =
  | { kind: "stream_opened" }
  | { kind: "sent"; direction: Direction; message: ProcessingRequest }
  | { kind: "received"; message: ProcessingResponse; handling: ResponseHandling }
  | { kind: "stream_closed"; how: StreamCloseKind; grpcCode: number | null; details: string }
  | { kind: "message_timeout"; direction: Direction }
  | { kind: "failed_open"; reason: string }
  | { kind: "local_reply"; reply: LocalReply }
  | { kind: "reset"; details: string };

/** What Envoy did with one server message. */
export type ResponseHandling =
  | "applied"
  | "timeout_extended"
  | "timeout_override_ignored"
  | "ignored_after_completion"
  | "spurious"
  | "rejected";

export type ExchangeObserver = (event: ExchangeEvent) => void;
