/**
 * Per-direction inspection budgets. They bound CPU per exchange; memory per exchange is
 * already constant (stream states and decoder carries), whatever the body size.
 */
import type { BodyDecoderOptions } from "../decode/content-type.js";
import type { InflateOptions } from "../decode/inflate.js";

export interface InspectionLimits {
  /**
   * Largest request body accepted, in bytes as received (before Content-Encoding is undone): a
   * larger one is refused (`limits`, 413). Decided from content-length at the headers when it
   * is present, otherwise from the running byte count; a body of exactly this size is allowed.
   * Absent: no size limit (only the inspection limit applies).
   */
  readonly maxBodyBytes?: number;
  /**
   * Body bytes inspected per direction, counted as received (before Content-Encoding is
   * undone); bytes past it pass uninspected (and are counted). A body cut here is never judged
   * for completeness: its field decoder is dropped, not ended (shared case 10).
   */
  readonly inspectionLimitBytes: number;
  /** What passing the inspection limit means: a `limits` finding, or a counted pass. */
  readonly overLimit: "block" | "pass";
  /**
   * Field count, JSON and XML depth, XML fields, multipart parts, the charset allowlist and body
   * sniffing, enforced by the decoders themselves. A feature whose key is absent is off.
   */
  readonly decoder: BodyDecoderOptions;
  /**
   * Content-Encoding decoding of request bodies (gzip, deflate, br). The configuration key
   * `maxDecompressedBytes` is `inflate.maxDecompressedBytes`.
   */
  readonly inflate: InflateOptions;
}

export const DEFAULT_LIMITS: InspectionLimits = {
  inspectionLimitBytes: Number.POSITIVE_INFINITY,
  overLimit: "pass",
  decoder: {
    form: { maxFields: 1000 },
    json: { maxDepth: 64 },
    multipart: {},
    charset: {},
    sniff: {},
    xml: { maxDepth: 64, maxFields: 10000 },
    nested: { maxBytes: 8192 },
  },
  inflate: {},
};
