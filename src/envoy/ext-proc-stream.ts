/**
 * One ext_proc gRPC stream (one per HTTP exchange) over grpc-js, with Envoy's two ways of
 * ending it (contract §2.A-3): half-close then cancel at once (default), or half-close and wait
 * for the server to finish (graceful). Events after Envoy closed the stream are dropped, as
 * Envoy ignores them.
 */
import * as grpc from "@grpc/grpc-js";
import type {
  ProcessingRequest,
  ProcessingResponse,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { deserializeResponse, PROCESS_METHOD_PATH, serializeRequest } from "./wire.js";

export interface StreamHandlers {
  message(response: ProcessingResponse): void;
  /** The server or the transport ended the stream (grpc status code and details). */
  ended(code: number, details: string): void;
}

/** Upper bound for the half-close to be flushed before the cancel goes out. */
const HALF_CLOSE_FLUSH_MS = 100;

/** A grpc-js channel to an ext_proc server, as Envoy's `envoy_grpc` cluster (no receive cap). */
export function createProcessorClient(address: string): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": -1,
    "grpc.max_send_message_length": -1,
  });
}

export class ExtProcStream {
  private readonly call: grpc.ClientDuplexStream<ProcessingRequest, ProcessingResponse>;
  private closedByClient = false;
  private ended = false;

  constructor(client: grpc.Client, handlers: StreamHandlers) {
    this.call = client.makeBidiStreamRequest(
      PROCESS_METHOD_PATH,
      serializeRequest,
      deserializeResponse,
      new grpc.Metadata(),
      {},
    );
    this.call.on("data", (response: ProcessingResponse) => {
      if (!this.closedByClient && !this.ended) handlers.message(response);
    });
    this.call.on("status", (status: grpc.StatusObject) => {
      if (this.ended) return;
      this.ended = true;
      if (!this.closedByClient) handlers.ended(status.code, status.details);
    });
    // The status event carries the outcome; without a listener an error event would throw.
    this.call.on("error", () => {});
  }

  /** True once either side ended the stream. */
  get closed(): boolean {
    return this.closedByClient || this.ended;
  }

  send(message: ProcessingRequest): void {
    if (this.closed) return;
    this.call.write(message);
  }

  /**
   * Ends the stream from Envoy's side. Default: half-close then cancel, so the server sees
   * END_STREAM followed by CANCELLED. Graceful: half-close and cancel only if the server has not
   * finished within `remoteCloseTimeoutMs`.
   */
  close(graceful: boolean, remoteCloseTimeoutMs: number): void {
    if (this.closed) return;
    this.closedByClient = true;
    const call = this.call;
    let cancelTimer: NodeJS.Timeout | null = null;
    const cancel = () => {
      if (cancelTimer !== null) clearTimeout(cancelTimer);
      cancelTimer = null;
      if (!this.ended) call.cancel();
    };
    call.once("status", () => {
      this.ended = true;
      if (cancelTimer !== null) clearTimeout(cancelTimer);
    });
    if (graceful) {
      cancelTimer = setTimeout(cancel, remoteCloseTimeoutMs);
      call.end();
      return;
    }
    cancelTimer = setTimeout(cancel, HALF_CLOSE_FLUSH_MS);
    call.once("finish", () => setImmediate(cancel));
    call.end();
  }
}
