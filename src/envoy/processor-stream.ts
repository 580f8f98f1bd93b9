/**
 * The exchange's one gRPC stream to the processor (contract §2.A): opened lazily at the first
 * message, never reopened, closed the way Envoy closes it (half-close then cancel, or graceful),
 * and closed early by the 1.37 stream-close optimisation once both directions are finished.
 */
import type { Client } from "@grpc/grpc-js";
import type { ProcessingRequest } from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { ExtProcConfig } from "./config.js";
import type { DirectionState } from "./direction.js";
import { ExtProcStream, type StreamHandlers } from "./ext-proc-stream.js";
import type { ExchangeObserver } from "./types.js";

export class ProcessorStream {
  private stream: ExtProcStream | null = null;
  private used = false;
  private sentAny = false;

  constructor(
    private readonly client: Client,
    private readonly config: ExtProcConfig,
    private readonly handlers: StreamHandlers,
    private readonly observe: ExchangeObserver,
  ) {}

  get isOpen(): boolean {
    return this.stream !== null;
  }

  /** Opens the stream if needed; false once it was closed (nothing more is expected). */
  open(): boolean {
    if (this.stream !== null) return true;
    if (this.used) return false;
    this.used = true;
    this.stream = new ExtProcStream(this.client, {
      message: (response) => this.handlers.message(response),
      ended: (code, details) => {
        this.stream = null;
        this.observe({
          kind: "stream_closed",
          how: code === 0 ? "server_ok" : "server_error",
          grpcCode: code,
          details,
        });
        this.handlers.ended(code, details);
      },
    });
    this.observe({ kind: "stream_opened" });
    return true;
  }

  /** True for the first message of the stream (it carries protocol_config). */
  takeFirst(): boolean {
    const first = !this.sentAny;
    this.sentAny = true;
    return first;
  }

  send(state: DirectionState, message: ProcessingRequest): void {
    this.stream?.send(message);
    this.observe({ kind: "sent", direction: state.direction, message });
  }

  close(): void {
    const stream = this.stream;
    if (stream === null) return;
    this.stream = null;
    if (stream.closed) return;
    const graceful = this.config.switches.gracefulGrpcClose;
    stream.close(graceful, this.config.remoteCloseTimeoutMs);
    this.observe({
      kind: "stream_closed",
      how: graceful ? "graceful" : "half_close_and_cancel",
      grpcCode: null,
      details: "",
    });
  }

  /**
   * The stream-close optimisation [1.37]: close as soon as neither direction can exchange
   * another message. Never with BUFFERED or BUFFERED_PARTIAL in play.
   */
  closeIfFinished(request: DirectionState, response: DirectionState): void {
    if (!this.config.switches.streamCloseOptimization || this.stream === null) return;
    const buffered = [request, response].some(
      (s) => s.bodyMode === "BUFFERED" || s.bodyMode === "BUFFERED_PARTIAL",
    );
    if (!buffered && request.isFinished() && response.isFinished()) this.close();
  }
}
