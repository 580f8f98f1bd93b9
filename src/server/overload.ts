/**
 * Refusing new streams while the body bytes in flight are above their ceiling
 * (`maxInflightBodyBytes`, inflight-bytes.ts; shared case 51): Envoy applies no flow control
 * towards a slow processor in FULL_DUPLEX_STREAMED (contract §2.C C6-7), so a burst of large
 * uploads can pile up in weir's memory. Streams already open finish; a stream that opens while
 * the ceiling is exceeded gets, in answer to its first message, an ImmediateResponse 503
 * (details `weir_blocked_limits`, finding 990040 in the `weir` dynamic metadata) and weir ends
 * it. An ImmediateResponse is a clear answer whatever `failure_mode_allow` says, where a gRPC
 * error would become Envoy's `status_on_error` or an uninspected pass. Counted as a
 * `resource_exhausted` stream error and an `error` exchange, and logged.
 */

import { weirMetadata } from "../exchange/dynamic-metadata.js";
import { headerEntries, requestFacts, UNKNOWN_REQUEST } from "../exchange/headers.js";
import { immediateResponse } from "../exchange/immediate.js";
import type { ExchangeObserver } from "../exchange/observer.js";
import type {
  ProcessingRequest,
  ProcessingResponse,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { IncomingRequest, ProcessCall } from "./ext-proc-service.js";
import type { InflightBodyBytes } from "./inflight-bytes.js";
import type { ServerLog } from "./server-log.js";
import { MalformedMessage } from "./service-definition.js";

/** The finding id reported for a stream refused above the in-flight ceiling. */
export const INFLIGHT_CEILING_ID = 990040;
export const OVERLOAD_STATUS = 503;

export interface OverloadOptions {
  readonly inflight: InflightBodyBytes;
  readonly observer: ExchangeObserver;
  readonly log: ServerLog;
}

/** Serves a stream that opened above the ceiling: one refusal, then the end. */
export function refuseOverloaded(call: ProcessCall, options: OverloadOptions): void {
  const { observer, inflight } = options;
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    observer.streamClosed();
  };
  observer.streamOpened();
  call.on("error", close);
  call.on("cancelled", close);
  call.on("end", () => {
    if (open) call.end();
    close();
  });
  call.once("data", (message: IncomingRequest) => {
    if (!open) return;
    call.write(overloadRefusal(message instanceof MalformedMessage ? undefined : message));
    call.end();
    observer.streamError("resource_exhausted");
    observer.exchangeCompleted("error");
    options.log("warn", "stream_refused_overloaded", {
      inflight_body_bytes: inflight.bytes,
      max_inflight_body_bytes: inflight.ceiling,
    });
    close();
  });
}

/** The 503 ImmediateResponse, shaped for the request when its headers are the first message. */
export function overloadRefusal(first: ProcessingRequest | undefined): ProcessingResponse {
  const r = first?.request;
  const facts =
    r?.case === "requestHeaders" ? requestFacts(headerEntries(r.value.headers)) : UNKNOWN_REQUEST;
  return immediateResponse(
    { status: OVERLOAD_STATUS, reason: "limits" },
    facts,
    weirMetadata({
      decision: "block",
      score: 0,
      signatureIds: [INFLIGHT_CEILING_ID],
      families: ["limits"],
      mode: "enforce",
      route: "default",
    }),
  );
}
