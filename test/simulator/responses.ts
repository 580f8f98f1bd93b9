/**
 * Builders for the ProcessingResponses a scripted fake processor sends: the continue reply that
 * matches a request, header and body mutations, ImmediateResponses and deliberate mistakes.
 */
import { create } from "@bufbuild/protobuf";
import {
  HeaderValueOptionSchema,
  HeaderValueSchema,
} from "../../src/gen/envoy/config/core/v3/base_pb.js";
import {
  type BodyMutation,
  BodyMutationSchema,
  BodyResponseSchema,
  type CommonResponse,
  CommonResponseSchema,
  GrpcStatusSchema,
  type HeaderMutation,
  HeaderMutationSchema,
  HeadersResponseSchema,
  ImmediateResponseSchema,
  type ProcessingRequest,
  type ProcessingResponse,
  ProcessingResponseSchema,
  StreamedBodyResponseSchema,
  TrailersResponseSchema,
} from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { HttpStatusSchema } from "../../src/gen/envoy/type/v3/http_status_pb.js";

export interface SetHeader {
  key: string;
  value: string;
  /** The deprecated BoolValue `append`; undefined leaves it unset (overwrite). */
  append?: boolean;
  /** Fill `value` instead of `raw_value` (Envoy ignores it since 1.32). */
  legacyValue?: boolean;
  /** HeaderAppendAction (Envoy's ext_proc ignores it). */
  appendAction?: number;
}

export function headerMutation(set: SetHeader[] = [], remove: string[] = []): HeaderMutation {
  return create(HeaderMutationSchema, {
    setHeaders: set.map((h) => {
      const option = create(HeaderValueOptionSchema, {
        header: create(HeaderValueSchema, {
          key: h.key,
          ...(h.legacyValue ? { value: h.value } : { rawValue: Buffer.from(h.value, "latin1") }),
        }),
      });
      if (h.append !== undefined) option.append = h.append;
      if (h.appendAction !== undefined) option.appendAction = h.appendAction;
      return option;
    }),
    removeHeaders: remove,
  });
}

export function replaceBody(body: string | Uint8Array): BodyMutation {
  const value = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return create(BodyMutationSchema, { mutation: { case: "body", value } });
}

export function clearBody(): BodyMutation {
  return create(BodyMutationSchema, { mutation: { case: "clearBody", value: true } });
}

export function streamedBody(body: string | Uint8Array, endOfStream: boolean): BodyMutation {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return create(BodyMutationSchema, {
    mutation: {
      case: "streamedResponse",
      value: create(StreamedBodyResponseSchema, { body: bytes, endOfStream }),
    },
  });
}

export interface CommonOptions {
  headerMutation?: HeaderMutation;
  bodyMutation?: BodyMutation;
  replace?: boolean;
}

function common(options: CommonOptions): CommonResponse {
  const response = create(CommonResponseSchema, { status: options.replace ? 1 : 0 });
  if (options.headerMutation) response.headerMutation = options.headerMutation;
  if (options.bodyMutation) response.bodyMutation = options.bodyMutation;
  return response;
}

export type MessageKind = NonNullable<ProcessingRequest["request"]["case"]>;

/** The reply of the matching kind for `request` (continue, optionally with mutations). */
export function continueFor(
  request: ProcessingRequest,
  options: CommonOptions = {},
): ProcessingResponse {
  const kind = request.request.case;
  if (kind === undefined) throw new Error("continueFor: request has no message kind");
  return continueOfKind(kind, options);
}

export function continueOfKind(kind: MessageKind, options: CommonOptions = {}): ProcessingResponse {
  switch (kind) {
    case "requestHeaders":
    case "responseHeaders":
      return create(ProcessingResponseSchema, {
        response: {
          case: kind,
          value: create(HeadersResponseSchema, { response: common(options) }),
        },
      });
    case "requestBody":
    case "responseBody":
      return create(ProcessingResponseSchema, {
        response: { case: kind, value: create(BodyResponseSchema, { response: common(options) }) },
      });
    case "requestTrailers":
    case "responseTrailers": {
      const value = create(TrailersResponseSchema);
      if (options.headerMutation) value.headerMutation = options.headerMutation;
      return create(ProcessingResponseSchema, { response: { case: kind, value } });
    }
  }
}

export interface ImmediateOptions {
  status?: number;
  body?: string;
  headers?: HeaderMutation;
  grpcStatus?: number;
  details?: string;
}

export function immediate(options: ImmediateOptions = {}): ProcessingResponse {
  const value = create(ImmediateResponseSchema, {
    body: Buffer.from(options.body ?? "", "utf8"),
    details: options.details ?? "",
  });
  if (options.status !== undefined)
    value.status = create(HttpStatusSchema, { code: options.status });
  if (options.headers) value.headers = options.headers;
  if (options.grpcStatus !== undefined) {
    value.grpcStatus = create(GrpcStatusSchema, { status: options.grpcStatus });
  }
  return create(ProcessingResponseSchema, { response: { case: "immediateResponse", value } });
}

/** A response whose oneof is empty (always spurious). */
export function emptyResponse(): ProcessingResponse {
  return create(ProcessingResponseSchema, {});
}

/** A reply of the wrong direction: a request-phase kind for a response-phase message, etc. */
export function wrongKindFor(request: ProcessingRequest): ProcessingResponse {
  const swap: Record<MessageKind, MessageKind> = {
    requestHeaders: "responseHeaders",
    responseHeaders: "requestHeaders",
    requestBody: "responseBody",
    responseBody: "requestBody",
    requestTrailers: "responseTrailers",
    responseTrailers: "requestTrailers",
  };
  const kind = request.request.case;
  if (kind === undefined) throw new Error("wrongKindFor: request has no message kind");
  return continueOfKind(swap[kind]);
}
