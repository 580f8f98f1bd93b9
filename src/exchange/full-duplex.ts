/**
 * FULL_DUPLEX_STREAMED answers (contract §2.C C6). Envoy drains each body chunk and forwards
 * only what weir streams back as `body_mutation.streamed_response` pieces, M:N: weir may
 * answer a chunk with several pieces or with none (while the redaction hold-back keeps the
 * chunk's bytes, hold-back.ts), as long as the bytes come back in order, each piece is at most
 * 64 KiB, `end_of_stream` is set exactly once (on the last piece, when the body had no
 * trailers) and trailers are answered with a TrailersResponse after the body's last piece.
 *
 * When the direction's inspector rewrites the body (src/redact/body-rewriter.ts), the pieces
 * carry the rewritten bytes; otherwise each chunk is echoed as it came. Should bytes of a chunk
 * not reach the rewriter (a time budget that lets the rest of a body pass uninspected stops
 * feeding the inspector), the held tail is released and those bytes go out as they came, so
 * the client always gets the whole body, in order.
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  type ProcessingResponse,
  ProcessingResponseSchema,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { Direction, DirectionInspector } from "../inspect/types.js";
import type { Mode } from "../policy/decision.js";
import { type BodyRewriter, bodyRewriterOf } from "../redact/body-rewriter.js";
import type { Redactions } from "../redact/leak-scanner.js";
import { MAX_STREAMED_CHUNK_BYTES } from "./responses.js";

/**
 * Rewriting applies to the response body in FULL_DUPLEX_STREAMED when the route enforces (in
 * detect mode weir only records) and Envoy listens to answers (not in observability mode).
 * Called before each body message is inspected; only the first call can switch it on.
 */
export function startRewriting(
  direction: Direction,
  inspector: DirectionInspector,
  mode: Mode,
  observing: boolean,
): void {
  if (direction !== "response" || mode !== "enforce" || observing) return;
  bodyRewriterOf(inspector)?.startRewriting();
}

/** The pieces answering one body message, and what was redacted in it. */
export interface DuplexBodyAnswer {
  readonly answers: ProcessingResponse[];
  readonly redactions: Redactions | undefined;
}

/** Answers a FULL_DUPLEX_STREAMED body message (after it was inspected). */
export function duplexBodyAnswers(
  direction: Direction,
  inspector: DirectionInspector,
  body: Uint8Array,
  endOfStream: boolean,
  dynamicMetadata?: JsonObject,
): DuplexBodyAnswer {
  const rewriter = bodyRewriterOf(inspector);
  if (rewriter === undefined || !rewriter.rewriting) {
    return {
      answers: streamedPieces(direction, [body], endOfStream, dynamicMetadata),
      redactions: undefined,
    };
  }
  const handed = (HANDED.get(rewriter) ?? 0) + body.byteLength;
  HANDED.set(rewriter, handed);
  const out = rewriter.takeRewritten();
  const withheld = Math.min(handed - rewriter.bytesTaken, body.byteLength);
  if (withheld > 0) out.push(...rewriter.bypass(), body.subarray(body.byteLength - withheld));
  return {
    answers: streamedPieces(direction, out, endOfStream, dynamicMetadata),
    redactions: rewriter.takeRedactions(),
  };
}

/** Body bytes handed to each rewriting direction, to notice bytes that did not reach it. */
const HANDED = new WeakMap<BodyRewriter, number>();

/**
 * Before a FULL_DUPLEX_STREAMED trailers answer: the body bytes still held back (the trailers
 * ended the body), as pieces without end_of_stream (the body had trailers).
 */
export function duplexTrailersPrelude(
  direction: Direction,
  inspector: DirectionInspector,
): DuplexBodyAnswer {
  const rewriter = bodyRewriterOf(inspector);
  if (rewriter === undefined || !rewriter.rewriting) return { answers: [], redactions: undefined };
  return {
    answers: streamedPieces(direction, rewriter.takeRewritten(), false),
    redactions: rewriter.takeRedactions(),
  };
}

/**
 * `chunks` as streamed_response pieces of at most 64 KiB, in order. With `endOfStream` the last
 * piece carries it (an empty piece when there are no bytes). Without it and without bytes
 * there is no piece, unless `dynamicMetadata` needs one to ride on (it goes on the first).
 */
export function streamedPieces(
  direction: Direction,
  chunks: readonly Uint8Array[],
  endOfStream: boolean,
  dynamicMetadata?: JsonObject,
): ProcessingResponse[] {
  const bodies: Uint8Array[] = [];
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.byteLength; at += MAX_STREAMED_CHUNK_BYTES) {
      bodies.push(chunk.subarray(at, Math.min(at + MAX_STREAMED_CHUNK_BYTES, chunk.byteLength)));
    }
  }
  if (bodies.length === 0 && (endOfStream || dynamicMetadata !== undefined)) {
    bodies.push(new Uint8Array(0));
  }
  return bodies.map((body, index) =>
    piece(
      direction,
      body,
      endOfStream && index === bodies.length - 1,
      index === 0 ? dynamicMetadata : undefined,
    ),
  );
}

function piece(
  direction: Direction,
  body: Uint8Array,
  endOfStream: boolean,
  dynamicMetadata: JsonObject | undefined,
): ProcessingResponse {
  return create(ProcessingResponseSchema, {
    response: {
      case: direction === "request" ? "requestBody" : "responseBody",
      value: {
        response: {
          bodyMutation: { mutation: { case: "streamedResponse", value: { body, endOfStream } } },
        },
      },
    },
    ...(dynamicMetadata === undefined ? {} : { dynamicMetadata }),
  });
}
