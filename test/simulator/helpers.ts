/** Small helpers shared by the simulator and proxy tests. */
import type { HeaderList } from "../../src/envoy/index.js";
import { fromHeaderMap } from "../../src/envoy/index.js";
import type { ProcessingRequest } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { SimConfig } from "./simulator.js";

export const bytes = (text: string): Uint8Array => Buffer.from(text, "utf8");
export const text = (data: Uint8Array): string => Buffer.from(data).toString("utf8");

export function postHeaders(extra: HeaderList = []): HeaderList {
  return [
    [":method", "POST"],
    [":scheme", "https"],
    [":authority", "app.example.test"],
    [":path", "/submit"],
    ["content-type", "text/plain"],
    ...extra,
  ];
}

export function getHeaders(extra: HeaderList = []): HeaderList {
  return [
    [":method", "GET"],
    [":scheme", "https"],
    [":authority", "app.example.test"],
    [":path", "/"],
    ...extra,
  ];
}

/** The oneof case of each message, e.g. ["requestHeaders", "requestBody", ...]. */
export function kinds(messages: readonly ProcessingRequest[]): string[] {
  return messages.map((m) => m.request.case ?? "none");
}

/** Body bytes and end_of_stream of a body message. */
export function bodyOf(message: ProcessingRequest | undefined): {
  body: string;
  endOfStream: boolean;
} {
  const r = message?.request;
  if (r?.case !== "requestBody" && r?.case !== "responseBody")
    throw new Error("not a body message");
  return { body: text(r.value.body), endOfStream: r.value.endOfStream };
}

/** Header list of a headers or trailers message. */
export function headersOf(message: ProcessingRequest | undefined): HeaderList {
  const r = message?.request;
  switch (r?.case) {
    case "requestHeaders":
    case "responseHeaders":
      return fromHeaderMap(r.value.headers);
    case "requestTrailers":
    case "responseTrailers":
      return fromHeaderMap(r.value.trailers);
    default:
      throw new Error("not a headers or trailers message");
  }
}

/**
 * A message timeout no test machine reaches: tests that are not about timeouts must not fail
 * because a loaded machine answered in more than Envoy's 200 ms.
 */
export const PATIENT_MS = 10_000;

/** runExchange with a patient message timeout unless the test sets one. */
export function patient(config: SimConfig = {}): SimConfig {
  return { messageTimeoutMs: PATIENT_MS, ...config };
}
