/**
 * The one error family of the protocol layer. Every failure that ends an ext_proc stream is an
 * ExchangeError with a stable `code`; server/ext-proc-service.ts is the only place that turns a
 * code into a gRPC status. Decisions (block, detect) are never errors: they are data.
 */

export type ExchangeErrorCode =
  /** The bytes on the wire are not a ProcessingRequest, or it carries no request message. */
  | "malformed_message"
  /** A well-formed message that Envoy never sends in the direction's current state. */
  | "unexpected_message"
  /** A body or trailers message after that direction already reached end of stream. */
  | "message_after_end_of_stream"
  /** weir tried to emit a header mutation Envoy would reject (a bug in weir, not in traffic). */
  | "invalid_header_mutation"
  /** Anything else: an exception from the inspector, the policy or weir itself. */
  | "internal_error";

export class ExchangeError extends Error {
  override readonly name = "ExchangeError";

  constructor(
    readonly code: ExchangeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Wrap anything thrown; an ExchangeError passes through unchanged. */
  static from(error: unknown): ExchangeError {
    if (error instanceof ExchangeError) return error;
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new ExchangeError("internal_error", `internal error: ${what}`, { cause: error });
  }
}
