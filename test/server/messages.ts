/**
 * Serialised ProcessingRequests for the server tests, built with the transcript helpers so the
 * wire format has one source.
 */
import type { BodySpec, SendSpec } from "../exchange/transcript.js";
import { stepBytes } from "../exchange/transcript.js";

export function post(requestId: string): [string, string][] {
  return [
    [":authority", "shop.example"],
    [":path", "/cart"],
    [":method", "POST"],
    [":scheme", "https"],
    ["content-type", "application/x-www-form-urlencoded"],
    ["x-request-id", requestId],
  ];
}

export function wire(send: SendSpec): Uint8Array {
  return stepBytes({ send });
}

/** Request headers of a POST whose body follows in STREAMED mode. */
export function streamedPostHeaders(requestId: string): Uint8Array {
  return wire({
    requestHeaders: { headers: post(requestId) },
    protocolConfig: { requestBodyMode: "STREAMED", responseBodyMode: "NONE" },
  });
}

export function requestBody(body: BodySpec): Uint8Array {
  return wire({ requestBody: body });
}
