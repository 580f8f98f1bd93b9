/**
 * A refusal that comes too late to be a refusal. An ImmediateResponse is a local reply only
 * while Envoy still holds the direction's response headers; once they went downstream, Envoy
 * can only reset the client's stream (HTTP/2 RST_STREAM, HTTP/1 connection close): the client
 * sees a truncated response, no status (contract §2.H-7c, pitfall 38). weir still sends the
 * ImmediateResponse (it is what stops the rest of the body), but the decision is marked
 * `streamReset`, so metrics count it as a reset and its event says so: nobody reads a 403
 * into it.
 *
 * Response headers go downstream when weir answers them, except in BUFFERED and
 * BUFFERED_PARTIAL, where Envoy holds them until the body's answer (§2.C C3-3, C5-4). The
 * request direction never resets: a request-phase refusal is always a local reply.
 */
import type { DirectionState } from "./direction-state.js";

/** The kind of message whose answer carries the refusal. */
export type RefusedMessage = "headers" | "body" | "trailers";

export function refusalResetsStream(state: DirectionState, message: RefusedMessage): boolean {
  if (state.direction !== "response") return false;
  switch (message) {
    case "headers":
      return false;
    case "body":
      return !state.headersHeldDuringBody;
    case "trailers":
      return true;
    default:
      return assertNever(message);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled message kind ${String(value)}`);
}
