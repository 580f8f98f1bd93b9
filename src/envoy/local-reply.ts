/**
 * Envoy's local replies (contract §2.H): an ImmediateResponse from the server, or one of Envoy's
 * own error replies (gRPC error, timeout, spurious message, refused mutation, buffer limit),
 * shaped as utility.cc prepareLocalReply does: status ≥ 200 else 200, header mutation under the
 * filter's mutation rules, text/plain body with content-length, and a trailers-only response for
 * gRPC requests.
 */
import type { ImmediateResponse } from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { ExtProcConfig } from "./config.js";
import { applyHeaderMutation } from "./header-mutation.js";
import { getHeader, removeHeader, setHeader } from "./headers.js";
import type { HeaderList, LocalReply, LocalReplyCause } from "./types.js";

export interface ReplyContext {
  /** The request's content-type is gRPC (application/grpc, application/grpc+..., ...;...). */
  grpcRequest: boolean;
  headRequest: boolean;
  config: ExtProcConfig;
}

interface ReplySpec {
  status: number;
  body: Uint8Array;
  details: string;
  cause: LocalReplyCause;
  grpcStatus: number | null;
  mutate: ((headers: HeaderList) => void) | null;
}

export function immediateResponseReply(
  response: ImmediateResponse,
  context: ReplyContext,
): LocalReply {
  const code = response.status?.code ?? 200;
  const mutation = response.headers;
  const config = context.config;
  return build(
    {
      status: Math.max(code, 200),
      body: response.body,
      details: response.details,
      cause: "immediate_response",
      grpcStatus: response.grpcStatus?.status ?? null,
      mutate:
        mutation === undefined
          ? null
          : (headers) => {
              // A refused mutation is only logged by Envoy; the reply still goes out.
              applyHeaderMutation(headers, mutation, {
                rules: config.mutationRules,
                maxHeadersCount: config.maxHeadersCount,
                maxHeadersKb: config.maxHeadersKb,
                replacingMessage: false,
                removeContentLength: false,
              });
            },
    },
    context,
  );
}

export function errorReply(
  status: number,
  details: string,
  cause: LocalReplyCause,
  context: ReplyContext,
): LocalReply {
  return build(
    { status, body: new Uint8Array(0), details, cause, grpcStatus: null, mutate: null },
    context,
  );
}

function build(spec: ReplySpec, context: ReplyContext): LocalReply {
  const headers: HeaderList = [[":status", String(spec.status)]];
  spec.mutate?.(headers);
  const details = spec.details.replace(/\s/g, "_");
  if (context.grpcRequest) {
    setHeader(headers, ":status", "200");
    setHeader(headers, "content-type", "application/grpc");
    if (getHeader(headers, "grpc-status") === undefined) {
      setHeader(headers, "grpc-status", String(spec.grpcStatus ?? httpToGrpcStatus(spec.status)));
    }
    let text = Buffer.from(spec.body).toString("latin1");
    if (text.endsWith("\n")) text = text.slice(0, -1);
    if (text.length > 0 && !context.headRequest) {
      setHeader(headers, "grpc-message", percentEncode(text));
    }
    removeHeader(headers, "content-length");
    return {
      status: 200,
      headers,
      body: new Uint8Array(0),
      details,
      cause: spec.cause,
      grpcStatus: Number(getHeader(headers, "grpc-status")),
    };
  }
  if (spec.body.length > 0) {
    setHeader(headers, "content-length", String(spec.body.length));
    if (getHeader(headers, "content-type") === undefined)
      setHeader(headers, "content-type", "text/plain");
  } else {
    removeHeader(headers, "content-length");
    removeHeader(headers, "content-type");
  }
  return {
    status: Number(getHeader(headers, ":status") ?? spec.status),
    headers,
    body: context.headRequest ? new Uint8Array(0) : spec.body,
    details,
    cause: spec.cause,
    grpcStatus: null,
  };
}

/** Grpc::Utility::httpToGrpcStatus. */
export function httpToGrpcStatus(status: number): number {
  switch (status) {
    case 400:
      return 13; // INTERNAL
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 12; // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return 14; // UNAVAILABLE
    default:
      return 2; // UNKNOWN
  }
}

/** Http::Utility::PercentEncoding::encode for grpc-message: non-printable ASCII and '%'. */
function percentEncode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x25) {
      out += `%${code.toString(16).toUpperCase().padStart(2, "0")}`;
    } else {
      out += text[i];
    }
  }
  return out;
}

/** Grpc::Common::hasGrpcContentType. */
export function isGrpcContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return (
    contentType === "application/grpc" ||
    contentType.startsWith("application/grpc+") ||
    contentType.startsWith("application/grpc;")
  );
}
