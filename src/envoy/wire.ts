/**
 * Builds the ProcessingRequests Envoy sends (contract §2.B) and (de)serialises the gRPC messages
 * with protobuf-es. Every message carries `metadata_context` (possibly empty); attributes and
 * `protocol_config` are added by the caller only where Envoy adds them.
 */
import { create, fromBinary, type JsonObject, toBinary } from "@bufbuild/protobuf";
import { type Metadata, MetadataSchema } from "../gen/envoy/config/core/v3/base_pb.js";
import { ProcessingMode_BodySendMode } from "../gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";
import {
  HttpBodySchema,
  HttpHeadersSchema,
  HttpTrailersSchema,
  type ProcessingRequest,
  ProcessingRequestSchema,
  type ProcessingResponse,
  ProcessingResponseSchema,
  type ProtocolConfiguration,
  ProtocolConfigurationSchema,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { toHeaderMap } from "./headers.js";
import type { BodyMode, Direction, HeaderList } from "./types.js";

/** The gRPC method Envoy calls (client_impl.cc). */
export const PROCESS_METHOD_PATH = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";

/** The key of `ProcessingRequest.attributes` (ext_proc.cc FilterName). */
export const FILTER_NAME = "envoy.filters.http.ext_proc";

/** Per-message additions decided by the exchange. */
export interface MessageExtras {
  metadataContext: Metadata;
  attributes: JsonObject | null;
  protocolConfig: ProtocolConfiguration | null;
}

export function headersMessage(
  direction: Direction,
  headers: HeaderList,
  endOfStream: boolean,
  extras: MessageExtras,
): ProcessingRequest {
  const value = create(HttpHeadersSchema, { headers: toHeaderMap(headers), endOfStream });
  return build(
    direction === "request"
      ? { case: "requestHeaders", value }
      : { case: "responseHeaders", value },
    extras,
  );
}

export function bodyMessage(
  direction: Direction,
  body: Uint8Array,
  endOfStream: boolean,
  extras: MessageExtras,
): ProcessingRequest {
  const value = create(HttpBodySchema, { body, endOfStream });
  return build(
    direction === "request" ? { case: "requestBody", value } : { case: "responseBody", value },
    extras,
  );
}

export function trailersMessage(
  direction: Direction,
  trailers: HeaderList,
  extras: MessageExtras,
): ProcessingRequest {
  const value = create(HttpTrailersSchema, { trailers: toHeaderMap(trailers) });
  return build(
    direction === "request"
      ? { case: "requestTrailers", value }
      : { case: "responseTrailers", value },
    extras,
  );
}

function build(request: ProcessingRequest["request"], extras: MessageExtras): ProcessingRequest {
  const message = create(ProcessingRequestSchema, {
    request,
    metadataContext: extras.metadataContext,
  });
  if (extras.attributes !== null) message.attributes[FILTER_NAME] = extras.attributes;
  if (extras.protocolConfig !== null) message.protocolConfig = extras.protocolConfig;
  return message;
}

/** `metadata_context` with the forwarded namespaces (empty when none are configured). */
export function metadataContext(forwarding: Record<string, JsonObject>): Metadata {
  return create(MetadataSchema, { filterMetadata: { ...forwarding } });
}

const BODY_MODE_ENUM: Record<BodyMode, ProcessingMode_BodySendMode> = {
  NONE: ProcessingMode_BodySendMode.NONE,
  STREAMED: ProcessingMode_BodySendMode.STREAMED,
  BUFFERED: ProcessingMode_BodySendMode.BUFFERED,
  BUFFERED_PARTIAL: ProcessingMode_BodySendMode.BUFFERED_PARTIAL,
  FULL_DUPLEX_STREAMED: ProcessingMode_BodySendMode.FULL_DUPLEX_STREAMED,
};

export function bodyModeToEnum(mode: BodyMode): ProcessingMode_BodySendMode {
  return BODY_MODE_ENUM[mode];
}

/** Enum value → our name; GRPC and unknown values have no implementation in Envoy's filter. */
export function bodyModeFromEnum(value: ProcessingMode_BodySendMode): BodyMode | null {
  for (const [name, number] of Object.entries(BODY_MODE_ENUM)) {
    if (number === value) return name as BodyMode;
  }
  return null;
}

export function protocolConfig(request: BodyMode, response: BodyMode): ProtocolConfiguration {
  return create(ProtocolConfigurationSchema, {
    requestBodyMode: bodyModeToEnum(request),
    responseBodyMode: bodyModeToEnum(response),
    sendBodyWithoutWaitingForHeaderResponse: false,
  });
}

export function serializeRequest(message: ProcessingRequest): Buffer {
  const bytes = toBinary(ProcessingRequestSchema, message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function deserializeResponse(bytes: Buffer): ProcessingResponse {
  return fromBinary(ProcessingResponseSchema, bytes);
}
