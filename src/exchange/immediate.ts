/**
 * The refusal: an ImmediateResponse that ends the exchange (contract §2.H). It says who refused
 * and how to trace it (the request id), never what matched: no payload bytes and no signature
 * ids in the body; ids go to dynamic metadata and the security event log.
 *
 * - HTTP clients get the decision's status (403 by default, 413 for limits, 415 for an unknown
 *   Content-Encoding) and a JSON body
 *   `{"error":"forbidden","reason":"signature","request_id":"<id>"}`.
 * - gRPC clients (request content-type application/grpc*) get grpc_status PERMISSION_DENIED (7):
 *   Envoy turns the reply into a trailers-only gRPC response with HTTP 200, and the body text
 *   becomes the percent-encoded `grpc-message` (§2.H-5). weir also sets `grpc-message` itself,
 *   to the same text, which is plain ASCII without `%`.
 * - HEAD requests get no body (Envoy would drop it anyway, §2.H-4).
 * `details` is `weir_blocked_<reason>`: Envoy's %RESPONSE_CODE_DETAILS%, no spaces.
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  type ProcessingResponse,
  ProcessingResponseSchema,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { BlockReason } from "../policy/decision.js";
import { type HeaderSet, headerMutation } from "./header-mutation.js";
import type { RequestFacts } from "./headers.js";

export const GRPC_PERMISSION_DENIED = 7;

export interface Refusal {
  readonly status: number;
  readonly reason: BlockReason;
}

/** The `error` word of the JSON body, by status. */
function errorWord(status: number): string {
  if (status === 403) return "forbidden";
  if (status === 413) return "payload_too_large";
  if (status === 415) return "unsupported_media_type";
  return "blocked";
}

/** Envoy accepts any code >= 200 and uses 200 below that; weir refuses with 4xx/5xx only. */
function refusalStatus(status: number): number {
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : 403;
}

const encoder = new TextEncoder();

export function immediateResponse(
  refusal: Refusal,
  request: RequestFacts,
  dynamicMetadata: JsonObject,
): ProcessingResponse {
  const status = refusalStatus(refusal.status);
  const details = `weir_blocked_${refusal.reason}`;
  const headers: HeaderSet[] = [];
  let body = "";
  let grpcStatus: { status: number } | undefined;
  if (request.grpc) {
    const idPart = request.requestId === "" ? "" : ` (request id ${request.requestId})`;
    body = `request refused by weir: ${refusal.reason}${idPart}`;
    headers.push({ name: "grpc-message", value: body });
    grpcStatus = { status: GRPC_PERMISSION_DENIED };
  } else if (request.method !== "HEAD") {
    body = JSON.stringify({
      error: errorWord(status),
      reason: refusal.reason,
      request_id: request.requestId,
    });
    headers.push({ name: "content-type", value: "application/json" });
  }
  headers.push({ name: "cache-control", value: "no-store" });
  return create(ProcessingResponseSchema, {
    response: {
      case: "immediateResponse",
      value: {
        status: { code: status },
        headers: headerMutation(headers),
        body: encoder.encode(body),
        details,
        ...(grpcStatus === undefined ? {} : { grpcStatus }),
      },
    },
    dynamicMetadata,
  });
}
