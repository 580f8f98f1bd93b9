/**
 * Feeds an HTTP/1 message (the client's request or the upstream's response) into the exchange
 * the way Envoy's HTTP/1 codec delivers it: end_of_stream on the headers when there is no body,
 * on the data chunk that completes content-length, or on an empty final chunk (chunked), or
 * trailers when the chunked message has them.
 */
import type { IncomingMessage } from "node:http";
import type { HeaderList } from "../envoy/index.js";
import { rawPairs } from "./envoy-headers.js";

export interface MessageSink {
  headers(headers: HeaderList, endOfStream: boolean): void;
  data(chunk: Uint8Array, endOfStream: boolean): void;
  trailers(trailers: HeaderList): void;
}

const EMPTY = new Uint8Array(0);

/** Whether a message has no body at all (Envoy delivers its headers with end_of_stream). */
export function hasNoBody(message: IncomingMessage, bodiless = false): boolean {
  if (bodiless) return true;
  const length = message.headers["content-length"];
  if (message.headers["transfer-encoding"] !== undefined) return false;
  return length === undefined || Number(length) === 0;
}

export function feedMessage(
  message: IncomingMessage,
  headers: HeaderList,
  noBody: boolean,
  sink: MessageSink,
  onEnd: () => void = () => {},
): void {
  sink.headers(headers, noBody);
  if (noBody) {
    message.resume();
    message.on("end", onEnd);
    return;
  }
  const declared = message.headers["content-length"];
  const chunked = message.headers["transfer-encoding"] !== undefined;
  let remaining = !chunked && declared !== undefined ? Number(declared) : null;
  let ended = false;
  message.on("data", (chunk: Buffer) => {
    if (ended) return;
    let endOfStream = false;
    if (remaining !== null) {
      remaining -= chunk.length;
      endOfStream = remaining <= 0;
    }
    ended = endOfStream;
    sink.data(chunk, endOfStream);
  });
  message.on("end", () => {
    onEnd();
    if (ended) return;
    ended = true;
    const trailers = rawPairs(message.rawTrailers);
    if (trailers.length > 0) sink.trailers(trailers);
    else sink.data(EMPTY, true);
  });
}
