/**
 * The Process call handler: one ProcessStream per ext_proc stream. It feeds each incoming
 * ProcessingRequest, in arrival order, to the stream's Exchange and writes the answers; it is
 * also the one place where errors become gRPC statuses (`statusForError`).
 *
 * How a stream can end, and what is counted:
 * - Envoy closes: its normal close is a half-close followed at once by a reset (contract
 *   §2.A-3), and it closes the same way when the downstream client goes away. grpc-js delivers
 *   the reset as a half-close ('end') and then 'cancelled', so the two cannot be told apart on
 *   the wire. weir answers the half-close with OK and judges by protocol state: a close while a
 *   direction is mid-body (body chunks received, no end_of_stream, not refused) is counted as
 *   `client_cancelled`; any other close is normal. Neither is logged as an error.
 *   Caveat: in STREAMED mode with trailers present but trailer mode SKIP, Envoy never marks the
 *   body's end (§2.C C4-3), so such exchanges count as `client_cancelled` too.
 * - a protocol violation or undecodable message: INVALID_ARGUMENT / FAILED_PRECONDITION, counted
 *   by reason and logged as a warning.
 * - any other exception: INTERNAL, counted as `internal_error`, logged as an error. Only this
 *   stream ends; nothing escapes into the process.
 * Whatever the end, the ExchangeInspector is closed exactly once and the observer sees
 * streamOpened / streamClosed exactly once.
 *
 * Order: messages and the half-close are handled strictly in arrival order and answers are
 * written in message order (I3), also when the Exchange answers a message through a promise (a
 * body whose Content-Encoding is being undone): the stream is held meanwhile (stream-flow.ts).
 * A rejected promise ends this stream alone, like a thrown error.
 */
import * as grpc from "@grpc/grpc-js";
import type { BodyMode } from "../exchange/body-mode.js";
import { type Answers, Exchange } from "../exchange/exchange.js";
import type { EventOptions } from "../exchange/exchange-context.js";
import type { ExchangeObserver, StreamErrorReason } from "../exchange/observer.js";
import { ExchangeError } from "../exchange/protocol-error.js";
import type {
  ProcessingRequest,
  ProcessingResponse,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { MessageBudget } from "../inspect/budget.js";
import type { ServerLifecycle } from "./grpc-server.js";
import { bodyBytesOf, type InflightBodyBytes } from "./inflight-bytes.js";
import { type LimitsObserver, NOOP_LIMITS_OBSERVER } from "./limits-observer.js";
import { refuseOverloaded } from "./overload.js";
import type { Runtime } from "./runtime.js";
import type { ServerLog } from "./server-log.js";
import { MalformedMessage } from "./service-definition.js";
import { budgetedInspector } from "./stream-budget.js";
import { StreamFlow } from "./stream-flow.js";
import { afterTransportStatus, statusSentByTransport } from "./transport-status.js";

export type IncomingRequest = ProcessingRequest | MalformedMessage;
export type ProcessCall = grpc.ServerDuplexStream<IncomingRequest, ProcessingResponse>;

export interface ExtProcServiceOptions {
  /**
   * The current engine and route policies, read once per stream when it opens: a reload swaps
   * the runtime, streams in flight keep the one they started with.
   */
  readonly runtime: () => Runtime;
  readonly observer: ExchangeObserver;
  readonly defaultBodyMode?: BodyMode;
  /** Security-event options (excerpts, trusted x-forwarded-for hops); default off, 0. */
  readonly events?: EventOptions;
  readonly log: ServerLog;
  /** When the server itself cuts streams, their end is not the client's doing. */
  readonly lifecycle?: ServerLifecycle;
  /** The per-message time budget (inspect/budget.ts); undefined = slices without a clock. */
  readonly timing?: MessageBudget;
  /** Budget, in-flight and protocol-anomaly counters (limits-observer.ts). */
  readonly limits?: LimitsObserver;
  /** Body bytes in flight, process-wide; above its ceiling new streams get a 503 (overload.ts). */
  readonly inflight?: InflightBodyBytes;
  /**
   * A body message after the body's end_of_stream is acknowledged and counted (default true)
   * rather than ending the stream with FAILED_PRECONDITION (exchange.ts onBodyAfterEndOfStream).
   */
  readonly acknowledgeBodyAfterEndOfStream?: boolean;
}

export interface StreamStatus {
  readonly code: grpc.status;
  readonly details: string;
  readonly reason: StreamErrorReason;
}

/**
 * The only mapping from errors to gRPC statuses:
 * - malformed_message -> INVALID_ARGUMENT: the message itself is bad, whatever the state;
 * - unexpected_message, message_after_end_of_stream -> FAILED_PRECONDITION: a well-formed
 *   message the stream's current state does not allow;
 * - invalid_header_mutation and anything else -> INTERNAL: weir's fault. The details stay
 *   generic (Envoy copies them into its access log); the cause goes to weir's log.
 */
export function statusForError(error: unknown): StreamStatus {
  const e = ExchangeError.from(error);
  switch (e.code) {
    case "malformed_message":
      return { code: grpc.status.INVALID_ARGUMENT, details: e.message, reason: e.code };
    case "unexpected_message":
    case "message_after_end_of_stream":
      return { code: grpc.status.FAILED_PRECONDITION, details: e.message, reason: e.code };
    case "invalid_header_mutation":
    case "internal_error":
      return {
        code: grpc.status.INTERNAL,
        details: "weir internal error while processing this stream; see weir's log",
        reason: "internal_error",
      };
    default:
      return assertNever(e.code);
  }
}

export function extProcHandler(
  options: ExtProcServiceOptions,
): grpc.handleBidiStreamingCall<IncomingRequest, ProcessingResponse> {
  return (call) => {
    const inflight = options.inflight;
    if (inflight?.overCeiling === true) {
      refuseOverloaded(call, { inflight, observer: options.observer, log: options.log });
    } else {
      new ProcessStream(call, options).start();
    }
  };
}

/** Queued behind a pending message: the client's half-close. */
const HALF_CLOSE = Symbol("half-close");
type Queued = IncomingRequest | typeof HALF_CLOSE;

class ProcessStream {
  #exchange: Exchange | undefined;
  #done = false;
  readonly #flow: StreamFlow<Queued>;

  constructor(
    private readonly call: ProcessCall,
    private readonly options: ExtProcServiceOptions,
  ) {
    this.#flow = new StreamFlow<Queued>(
      call,
      options.inflight === undefined
        ? undefined
        : { inflight: options.inflight, sizeOf: bodyBytesOf },
    );
  }

  start(): void {
    this.#safely("streamOpened", () => this.options.observer.streamOpened());
    this.call.on("cancelled", () => this.#guard(() => this.#onCancelled()));
    try {
      const runtime = this.options.runtime();
      const limits = this.options.limits ?? NOOP_LIMITS_OBSERVER;
      this.#exchange = new Exchange({
        inspector: budgetedInspector(
          runtime.engine.openExchange(),
          { ...this.options, limits },
          { write: (answer) => this.#write([answer]), context: () => this.#exchange?.context },
        ),
        policies: runtime.policies,
        observer: this.options.observer,
        ...(this.options.defaultBodyMode === undefined
          ? {}
          : { defaultBodyMode: this.options.defaultBodyMode }),
        ...(this.options.events === undefined ? {} : { events: this.options.events }),
        ...(this.options.acknowledgeBodyAfterEndOfStream === false
          ? {}
          : {
              onBodyAfterEndOfStream: (direction) =>
                limits.protocolAnomaly("body_after_eos", direction),
            }),
      });
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.call.on("data", (message: IncomingRequest) => this.#guard(() => this.#arrived(message)));
    this.call.on("end", () => this.#guard(() => this.#arrived(HALF_CLOSE)));
    this.call.on("drain", () => {
      if (!this.#done) this.#flow.drained();
    });
  }

  /** A message or the half-close arrived: handle it now, or queue it behind a pending one. */
  #arrived(item: Queued): void {
    if (!this.#done && this.#flow.admit(item)) this.#handle(item);
  }

  #handle(item: Queued): void {
    if (item === HALF_CLOSE) {
      this.#onHalfClose();
      return;
    }
    if (this.#exchange === undefined) return;
    if (item instanceof MalformedMessage) throw item.error;
    const answers: Answers = this.#exchange.handle(item);
    if (Array.isArray(answers)) {
      this.#write(answers);
      return;
    }
    this.#flow.hold(item);
    answers.then(
      (settled) => this.#guard(() => this.#settled(settled)),
      (error: unknown) =>
        this.#guard(() => {
          throw error;
        }),
    );
  }

  /** The pending message's answers: write them, then handle what queued up meanwhile. */
  #settled(answers: ProcessingResponse[]): void {
    if (this.#done) return;
    this.#flow.settled();
    this.#write(answers);
    for (let next = this.#flow.next(); next !== undefined; next = this.#flow.next()) {
      this.#handle(next);
      if (this.#done) return;
    }
    this.#flow.resume();
  }

  #write(answers: readonly ProcessingResponse[]): void {
    for (const answer of answers) {
      // Backpressure: stop reading while Envoy does not read our answers.
      if (!this.call.write(answer)) this.#flow.writeBlocked();
    }
  }

  #onHalfClose(): void {
    if (this.#done) return;
    this.call.end();
    this.#closedByClient();
  }

  #onCancelled(): void {
    if (this.#done) return;
    // grpc-js is ending the call with a status of its own (a message above the receive cap):
    // its reason is counted once that status is on the wire (transport-status.ts).
    const later = () =>
      this.#guard(() => {
        if (!this.#done) this.#closedByClient();
      });
    if (afterTransportStatus(this.call, later)) return;
    this.#closedByClient();
  }

  /** Half-close or cancel (they cannot be told apart, see the file comment). */
  #closedByClient(): void {
    const reason = this.#abandonReason();
    if (reason !== undefined) {
      this.#safely("streamError", () =>
        this.options.observer.streamError(reason, this.#exchange?.context),
      );
    }
    this.#finish("ok");
  }

  #abandonReason(): StreamErrorReason | undefined {
    // grpc-js refused a message above the receive cap itself (transport-status.ts).
    if (statusSentByTransport(this.call) === grpc.status.RESOURCE_EXHAUSTED) {
      return "resource_exhausted";
    }
    const deadline = this.call.getDeadline();
    const at = deadline instanceof Date ? deadline.getTime() : deadline;
    if (Number.isFinite(at) && at <= Date.now()) return "deadline_exceeded";
    if (this.options.lifecycle?.forcing === true) return undefined;
    return this.#exchange?.abandonedMidBody === true ? "client_cancelled" : undefined;
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    try {
      const status = statusForError(error);
      this.#safely("streamError", () =>
        this.options.observer.streamError(status.reason, this.#exchange?.context),
      );
      const internal = status.code === grpc.status.INTERNAL;
      this.#log(internal ? "error" : "warn", "ext_proc_stream_failed", {
        reason: status.reason,
        grpc_code: grpc.status[status.code],
        request_id: this.#exchange?.requestId ?? "",
        message: error instanceof Error ? error.message : String(error),
        ...(internal && error instanceof Error ? { stack: error.stack } : {}),
      });
      // grpc-js turns an emitted error into the call's status and ends the call.
      this.call.emit("error", { code: status.code, details: status.details });
    } catch {
      this.call.destroy();
    } finally {
      this.#finish("error");
    }
  }

  #finish(how: "ok" | "error"): void {
    if (this.#done) return;
    this.#done = true;
    this.#flow.clear();
    const exchange = this.#exchange;
    this.#safely("inspector close", () => exchange?.close());
    const outcome = how === "error" ? "error" : (exchange?.outcome() ?? "allow");
    this.#safely("exchangeCompleted", () =>
      this.options.observer.exchangeCompleted(outcome, exchange?.report()),
    );
    this.#safely("streamClosed", () => this.options.observer.streamClosed());
  }

  /** Event handlers must never throw into grpc-js: an escaped error would end the process. */
  #guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      try {
        this.#fail(error);
      } catch {
        // #fail already fell back to destroying the call; nothing may escape.
      }
    }
  }

  #safely(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#log("error", "ext_proc_hook_failed", {
        hook: what,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** A broken logger must not break the stream. */
  #log(...entry: Parameters<ServerLog>): void {
    try {
      this.options.log(...entry);
    } catch {
      // Diagnostics are best effort.
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled exchange error code ${String(value)}`);
}
