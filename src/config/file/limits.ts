/**
 * The file's `limits` section as the engine's InspectionLimits. Every key is optional; an absent
 * one keeps the engine's default (DEFAULT_LIMITS and the decoders' own defaults), so the file
 * states only what an operator changed.
 */
import { DEFAULT_LIMITS, type InspectionLimits } from "../../inspect/limits.js";
import type { LimitsDocument } from "./document.js";

export function limitsOf(doc: LimitsDocument | undefined): InspectionLimits {
  if (doc === undefined) return DEFAULT_LIMITS;
  const base = DEFAULT_LIMITS.decoder;
  return {
    ...(doc.maxBodyBytes === undefined ? {} : { maxBodyBytes: doc.maxBodyBytes }),
    inspectionLimitBytes: doc.inspectionBytes ?? DEFAULT_LIMITS.inspectionLimitBytes,
    overLimit: doc.overLimit ?? DEFAULT_LIMITS.overLimit,
    decoder: {
      ...base,
      form: { ...base.form, ...defined({ maxFields: doc.formFields }) },
      json: { ...base.json, ...defined({ maxDepth: doc.jsonDepth }) },
      multipart: {
        ...base.multipart,
        ...defined({ maxParts: doc.multipart?.parts, maxFileBytes: doc.multipart?.fileBytes }),
      },
      xml: { ...base.xml, ...defined({ maxDepth: doc.xml?.depth, maxFields: doc.xml?.fields }) },
      charset: { ...base.charset, ...defined({ allow: doc.charsets }) },
    },
    inflate: {
      ...DEFAULT_LIMITS.inflate,
      ...defined({
        maxDecompressedBytes: doc.inflate?.maxDecompressedBytes,
        maxRatio: doc.inflate?.maxRatio,
        ratioGraceBytes: doc.inflate?.ratioGraceBytes,
        maxLayers: doc.inflate?.maxLayers,
      }),
    },
  };
}

/** The entries whose value is set (exactOptionalPropertyTypes forbids explicit undefined). */
function defined<T extends Record<string, unknown>>(
  entries: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
