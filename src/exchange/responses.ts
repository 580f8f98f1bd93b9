/**
 * Builders for the "continue" answers, one per message kind: the response case must match the
 * message's case exactly, or Envoy counts a spurious message and fails the request (contract
 * §2.D, pitfall 30). Answers without mutation or metadata are shared constants: they are
 * serialised, never modified.
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import type { ProcessingMode } from "../gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";
import {
  type HeaderMutation,
  type ProcessingResponse,
  ProcessingResponseSchema,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { Direction } from "../inspect/types.js";

/** Recommended upper bound of one FULL_DUPLEX_STREAMED chunk (contract §2.C C6-3). */
export const MAX_STREAMED_CHUNK_BYTES = 64 * 1024;

export interface ContinueOptions {
  readonly headerMutation?: HeaderMutation | undefined;
  readonly dynamicMetadata?: JsonObject | undefined;
  /** Only on a request-headers answer (mode-override.ts says when Envoy honours it). */
  readonly modeOverride?: ProcessingMode | undefined;
}

function plain(options: ContinueOptions): boolean {
  return (
    options.headerMutation === undefined &&
    options.dynamicMetadata === undefined &&
    options.modeOverride === undefined
  );
}

function commonResponse(options: ContinueOptions) {
  return {
    response:
      options.headerMutation === undefined ? {} : { headerMutation: options.headerMutation },
  };
}

function metadata(options: ContinueOptions) {
  return options.dynamicMetadata === undefined ? {} : { dynamicMetadata: options.dynamicMetadata };
}

function headersCase(direction: Direction) {
  return direction === "request" ? ("requestHeaders" as const) : ("responseHeaders" as const);
}
function bodyCase(direction: Direction) {
  return direction === "request" ? ("requestBody" as const) : ("responseBody" as const);
}
function trailersCase(direction: Direction) {
  return direction === "request" ? ("requestTrailers" as const) : ("responseTrailers" as const);
}

function buildHeadersContinue(direction: Direction, options: ContinueOptions) {
  return create(ProcessingResponseSchema, {
    response: { case: headersCase(direction), value: commonResponse(options) },
    ...metadata(options),
    ...(options.modeOverride === undefined ? {} : { modeOverride: options.modeOverride }),
  });
}

function buildBodyContinue(direction: Direction, options: ContinueOptions) {
  return create(ProcessingResponseSchema, {
    response: { case: bodyCase(direction), value: commonResponse(options) },
    ...metadata(options),
  });
}

function buildTrailersContinue(direction: Direction, options: ContinueOptions) {
  return create(ProcessingResponseSchema, {
    response: { case: trailersCase(direction), value: {} },
    ...metadata(options),
  });
}

const PLAIN = {
  headers: {
    request: buildHeadersContinue("request", {}),
    response: buildHeadersContinue("response", {}),
  },
  body: {
    request: buildBodyContinue("request", {}),
    response: buildBodyContinue("response", {}),
  },
  trailers: {
    request: buildTrailersContinue("request", {}),
    response: buildTrailersContinue("response", {}),
  },
} as const;

/** HeadersResponse CONTINUE, optionally with a header mutation (applied: headers are held). */
export function headersContinue(
  direction: Direction,
  options: ContinueOptions = {},
): ProcessingResponse {
  return plain(options) ? PLAIN.headers[direction] : buildHeadersContinue(direction, options);
}

/**
 * BodyResponse CONTINUE. A header mutation only takes effect while Envoy still holds the headers
 * (BUFFERED, BUFFERED_PARTIAL); in STREAMED mode Envoy ignores it (contract §2.C C4-4).
 */
export function bodyContinue(
  direction: Direction,
  options: ContinueOptions = {},
): ProcessingResponse {
  return plain(options) ? PLAIN.body[direction] : buildBodyContinue(direction, options);
}

/** TrailersResponse with no mutation. */
export function trailersContinue(
  direction: Direction,
  options: ContinueOptions = {},
): ProcessingResponse {
  return plain(options) ? PLAIN.trailers[direction] : buildTrailersContinue(direction, options);
}

/**
 * FULL_DUPLEX_STREAMED: Envoy drained the chunk and forwards only what weir sends back, as
 * `body_mutation.streamed_response` (a plain CONTINUE is spurious there, §2.C C6-4). The same
 * bytes go back in pieces of at most 64 KiB; end_of_stream is mirrored on the last piece.
 * Dynamic metadata, when given, rides on the first piece.
 */
export function streamedBodyEcho(
  direction: Direction,
  chunk: Uint8Array,
  endOfStream: boolean,
  dynamicMetadata?: JsonObject,
): ProcessingResponse[] {
  const out: ProcessingResponse[] = [];
  let offset = 0;
  do {
    const end = Math.min(offset + MAX_STREAMED_CHUNK_BYTES, chunk.byteLength);
    const last = end === chunk.byteLength;
    out.push(
      create(ProcessingResponseSchema, {
        response: {
          case: bodyCase(direction),
          value: {
            response: {
              bodyMutation: {
                mutation: {
                  case: "streamedResponse",
                  value: { body: chunk.subarray(offset, end), endOfStream: last && endOfStream },
                },
              },
            },
          },
        },
        ...(out.length === 0 && dynamicMetadata !== undefined ? { dynamicMetadata } : {}),
      }),
    );
    offset = end;
  } while (offset < chunk.byteLength);
  return out;
}
