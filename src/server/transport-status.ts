/**
 * The gRPC status grpc-js sends on a call by itself, without weir's handler: RESOURCE_EXHAUSTED
 * for a message above `grpc.max_receive_message_length`, which grpc-js refuses before the
 * message reaches weir. The handler only sees the call cancelled, and sees it before the
 * status is on the wire, so `afterTransportStatus` waits for the HTTP/2 stream to close and
 * `statusSentByTransport` then reads the status from its trailers (or from the headers of a
 * trailers-only answer), for the stream's end to be counted precisely. grpc-js keeps these
 * objects internal (as for http2-windows.ts, this reaches past its typings and checks every
 * step): if they change, nothing is waited for, the status reads as `undefined`, and the end is
 * counted as a cancel, as before.
 */

/** Longest wait for the HTTP/2 stream to close once grpc-js began sending its own status. */
const CLOSE_WAIT_MS = 1000;

/** grpc-status of the answer already sent on `call`'s HTTP/2 stream, if any. */
export function statusSentByTransport(call: object): number | undefined {
  const stream = field(field(call, "call"), "stream");
  for (const sent of ["sentTrailers", "sentHeaders"]) {
    const status = field(field(stream, sent), "grpc-status");
    if (typeof status === "string" || typeof status === "number") {
      const code = Number(status);
      if (Number.isInteger(code)) return code;
    }
  }
  return undefined;
}

/**
 * When grpc-js is ending `call` with a status of its own that is not on the wire yet, runs
 * `then` once the HTTP/2 stream closed (at most CLOSE_WAIT_MS later) and returns true; otherwise
 * returns false and `then` is not run. weir's handler never sends a status before it finished
 * the stream, so a pending status on a live stream is grpc-js's.
 */
export function afterTransportStatus(call: object, then: () => void): boolean {
  const base = field(call, "call");
  const stream = field(base, "stream");
  if (field(base, "wantTrailers") !== true || statusSentByTransport(call) !== undefined) {
    return false;
  }
  const once = field(stream, "once");
  if (typeof once !== "function" || field(stream, "closed") === true) return false;
  let ran = false;
  const run = (): void => {
    if (ran) return;
    ran = true;
    clearTimeout(timer);
    then();
  };
  const timer = setTimeout(run, CLOSE_WAIT_MS);
  Reflect.apply(once, stream, ["close", run]);
  return true;
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null || !(key in value)) return undefined;
  const found: unknown = Reflect.get(value, key);
  return found;
}
