/**
 * The ext_proc messages the load client sends, serialised once with the generated protobuf-es
 * types: the request headers message (with the STREAMED protocol_config Envoy >= 1.34 puts on
 * a stream's first message) and body chunk messages. Answers are classified by their first
 * byte, which is the tag of ProcessingResponse's `response` oneof (fields are written in field
 * number order and the oneof's fields are 1-7), so the client spends no CPU decoding them.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { ProcessingMode_BodySendMode } from "../../src/gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";
import { ProcessingRequestSchema } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { type BodyKind, CONTENT_TYPES } from "../harness/benign-bodies.js";

const encoder = new TextEncoder();

export const ANSWER_TAG = {
  requestHeaders: (1 << 3) | 2,
  requestBody: (3 << 3) | 2,
  immediateResponse: (7 << 3) | 2,
} as const;

export function requestHeadersMessage(
  kind: BodyKind,
  bodyBytes: number,
  endOfStream: boolean,
): Uint8Array {
  const headers: [string, string][] = [
    [":method", "POST"],
    [":scheme", "https"],
    [":authority", "shop.example.test"],
    [":path", "/api/v1/orders?source=web&page=2"],
    ["content-type", CONTENT_TYPES[kind]],
    ["content-length", String(bodyBytes)],
    ["user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
    ["accept", "application/json"],
    ["accept-language", "en-GB,en;q=0.8"],
    ["cookie", "session=4f2a9c1e8b7d6a5f; theme=dark"],
    ["x-request-id", "2f7e0c4a-9b1d-4c3e-8f6a-1d2e3f4a5b6c"],
    ["x-forwarded-for", "203.0.113.7"],
  ];
  return toBinary(
    ProcessingRequestSchema,
    create(ProcessingRequestSchema, {
      request: {
        case: "requestHeaders",
        value: {
          headers: {
            headers: headers.map(([key, value]) => ({ key, rawValue: encoder.encode(value) })),
          },
          endOfStream,
        },
      },
      protocolConfig: {
        requestBodyMode: ProcessingMode_BodySendMode.STREAMED,
        responseBodyMode: ProcessingMode_BodySendMode.NONE,
      },
    }),
  );
}

export function requestBodyMessage(chunk: Uint8Array, endOfStream: boolean): Uint8Array {
  return toBinary(
    ProcessingRequestSchema,
    create(ProcessingRequestSchema, {
      request: { case: "requestBody", value: { body: chunk, endOfStream } },
    }),
  );
}
