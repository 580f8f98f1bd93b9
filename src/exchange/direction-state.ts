/**
 * The per-direction protocol state machine (contract §2.C): which message kinds Envoy may still
 * send in one direction. A message Envoy would never send in the current phase is a protocol
 * violation and ends the stream; the two directions are separate instances and interleave freely.
 *
 * Phases and transitions (H = headers, B = body, T = trailers, eos = end_of_stream):
 *   idle              H(eos) -> ended | H -> awaiting_body (awaiting_trailers in mode NONE)
 *                     B      -> first body without headers: Envoy does this when the header mode
 *                               is SKIP (contract §2.A-2), so it is accepted
 *                     T      -> ended (header SKIP and no body)
 *   awaiting_body     B(eos) -> ended | B -> streaming_body (awaiting_trailers when the mode sends
 *                               one body message: BUFFERED, BUFFERED_PARTIAL); T -> ended
 *   streaming_body    B(eos) -> ended | B -> streaming_body; T -> ended
 *   awaiting_trailers T -> ended; B -> unexpected_message (a second buffered body, a body in NONE)
 *   ended             B, T -> message_after_end_of_stream
 *   any but idle      H -> unexpected_message (a second headers message)
 *
 * After a mode_override (mode-override.ts) the direction expects the mode weir asked for, but
 * Envoy ignores the override silently when its `allow_mode_override` is off, so the mode it
 * reported stays acceptable too: a body is accepted if either mode sends one, and the body
 * counts as one message only if both modes send it as one.
 */
import type { Direction } from "../inspect/types.js";
import type { BodyMode } from "./body-mode.js";
import { headersHeldDuringBody, isSingleMessageBody } from "./body-mode.js";
import { ExchangeError } from "./protocol-error.js";

export type DirectionPhase =
  | "idle"
  | "awaiting_body"
  | "streaming_body"
  | "awaiting_trailers"
  | "ended";

export class DirectionState {
  #phase: DirectionPhase = "idle";
  #bodyMode: BodyMode;
  /** The mode Envoy reported, kept after weir asked to override it (Envoy may not have). */
  #reported: BodyMode | undefined;
  #headersSeen = false;

  constructor(
    readonly direction: Direction,
    bodyMode: BodyMode,
  ) {
    this.#bodyMode = bodyMode;
  }

  get phase(): DirectionPhase {
    return this.#phase;
  }

  get bodyMode(): BodyMode {
    return this.#bodyMode;
  }

  /** True when the direction's headers were sent to weir (false with header mode SKIP). */
  get headersSeen(): boolean {
    return this.#headersSeen;
  }

  /** Envoy reports the effective mode on the first message; it cannot change after that. */
  setBodyMode(mode: BodyMode): void {
    if (this.#phase !== "idle") {
      throw new ExchangeError(
        "internal_error",
        `${this.direction} body mode set after the direction started (phase ${this.#phase})`,
      );
    }
    this.#bodyMode = mode;
  }

  /**
   * weir asked Envoy for `mode` in a mode_override. Only before the direction started; the
   * reported mode stays acceptable (see the file comment).
   */
  overrideBodyMode(mode: BodyMode): void {
    if (this.#phase !== "idle") {
      throw new ExchangeError(
        "internal_error",
        `${this.direction} body mode overridden after the direction started (phase ${this.#phase})`,
      );
    }
    if (mode === this.#bodyMode) return;
    this.#reported ??= this.#bodyMode;
    this.#bodyMode = mode;
  }

  /** True when Envoy still holds the headers while it sends the body, whichever mode it uses. */
  get headersHeldDuringBody(): boolean {
    return (
      headersHeldDuringBody(this.#bodyMode) &&
      (this.#reported === undefined || headersHeldDuringBody(this.#reported))
    );
  }

  /** Neither the requested nor the reported mode sends a body. */
  get #noBody(): boolean {
    return this.#bodyMode === "none" && (this.#reported ?? "none") === "none";
  }

  /** Both modes send the body as one message. */
  get #singleMessage(): boolean {
    return (
      isSingleMessageBody(this.#bodyMode) &&
      (this.#reported === undefined || isSingleMessageBody(this.#reported))
    );
  }

  /** Body chunks received and the body not finished: a cancel here is a cancel mid-body. */
  get midBody(): boolean {
    return this.#phase === "streaming_body";
  }

  get ended(): boolean {
    return this.#phase === "ended";
  }

  acceptHeaders(endOfStream: boolean): void {
    if (this.#phase !== "idle") {
      throw new ExchangeError(
        "unexpected_message",
        `unexpected ${this.direction}_headers: the ${this.direction} direction already ` +
          `received its headers or body (phase ${this.#phase}); Envoy sends headers once`,
      );
    }
    this.#headersSeen = true;
    if (endOfStream) this.#phase = "ended";
    else this.#phase = this.#noBody ? "awaiting_trailers" : "awaiting_body";
  }

  acceptBody(endOfStream: boolean): void {
    switch (this.#phase) {
      case "ended":
        throw this.#afterEnd("body");
      case "awaiting_trailers":
        throw new ExchangeError(
          "unexpected_message",
          this.#noBody
            ? `unexpected ${this.direction}_body: the ${this.direction} body mode is NONE`
            : `unexpected ${this.direction}_body: body mode ${this.#bodyMode.toUpperCase()} ` +
                "sends the body as one message and it was already received",
        );
      case "idle":
        if (this.#noBody) {
          throw new ExchangeError(
            "unexpected_message",
            `unexpected ${this.direction}_body: the ${this.direction} body mode is NONE`,
          );
        }
        this.#afterBody(endOfStream);
        return;
      case "awaiting_body":
      case "streaming_body":
        this.#afterBody(endOfStream);
        return;
      default:
        assertNever(this.#phase);
    }
  }

  acceptTrailers(): void {
    if (this.#phase === "ended") throw this.#afterEnd("trailers");
    this.#phase = "ended";
  }

  #afterBody(endOfStream: boolean): void {
    if (endOfStream) this.#phase = "ended";
    else if (this.#singleMessage) this.#phase = "awaiting_trailers";
    else this.#phase = "streaming_body";
  }

  #afterEnd(kind: "body" | "trailers"): ExchangeError {
    return new ExchangeError(
      "message_after_end_of_stream",
      `${this.direction}_${kind} after end_of_stream: the ${this.direction} direction ` +
        "already ended (end_of_stream was set, or trailers were received)",
    );
  }
}

function assertNever(value: never): never {
  throw new ExchangeError("internal_error", `unhandled direction phase ${String(value)}`);
}
