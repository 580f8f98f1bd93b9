/**
 * Per-direction inspection budgets. They bound CPU per exchange; memory per exchange is
 * already constant (stream states and decoder carries), whatever the body size.
 */
import type { BodyDecoderOptions } from "../decode/content-type.js";

export interface InspectionLimits {
  /** Body bytes inspected per direction; bytes past it pass uninspected (and are counted). */
  readonly inspectionLimitBytes: number;
  /** What passing the inspection limit means: a `limits` finding, or a counted pass. */
  readonly overLimit: "block" | "pass";
  /** Field count, JSON depth and the like, enforced by the decoders themselves. */
  readonly decoder: BodyDecoderOptions;
}

export const DEFAULT_LIMITS: InspectionLimits = {
  inspectionLimitBytes: Number.POSITIVE_INFINITY,
  overLimit: "pass",
  decoder: { form: { maxFields: 1000 }, json: { maxDepth: 64 } },
};
