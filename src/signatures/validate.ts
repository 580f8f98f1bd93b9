/**
 * Asks Hyperscan itself whether each pattern is acceptable before the set is compiled: a
 * pattern Hyperscan refuses (backreferences, lookaround, a syntax error) or one that can match
 * the empty string (it would fire on every value) fails with Hyperscan's own message, naming
 * file:line and the id. One bad pattern fails its signature only.
 *
 * A signature that validates or redacts its matches needs their bytes, and weir keeps only a
 * bounded tail of a response body for that (src/redact/hold-back.ts): its pattern must have a
 * bounded maximum width, at most MAX_HOLD_BACK_BYTES, as Hyperscan computes it.
 */
import { expressionInfo, HyperscanError } from "hyperscan-js";
import { MAX_HOLD_BACK_BYTES } from "../redact/hold-back.js";
import type { FailedEntry } from "./load-report.js";
import { type Signature, signatureWhere } from "./types.js";

export interface PatternCheck {
  readonly valid: readonly Signature[];
  readonly failed: readonly FailedEntry[];
}

export function validatePatterns(signatures: readonly Signature[]): PatternCheck {
  const valid: Signature[] = [];
  const failed: FailedEntry[] = [];
  for (const sig of signatures) {
    const problem = patternProblem(sig);
    if (problem === undefined) {
      valid.push(sig);
    } else {
      const error = `${signatureWhere(sig.source, sig.id)}: ${problem}`;
      failed.push({ id: sig.id, error, errors: [error], source: sig.source });
    }
  }
  return { valid, failed };
}

/** Why Hyperscan cannot use the pattern as a signature, or undefined when it can. */
export function patternProblem(sig: Signature): string | undefined {
  try {
    const info = expressionInfo(sig.pattern, sig.flags);
    if (info.minWidth === 0) {
      return "pattern can match the empty string, so it would fire on every value (require at least one character)";
    }
    if (sig.validate !== undefined || sig.redact !== undefined) return widthProblem(info.maxWidth);
    return undefined;
  } catch (error: unknown) {
    if (error instanceof HyperscanError) {
      return `pattern rejected by Hyperscan: ${error.message.replace(/^expressionInfo:\s*/, "")}`;
    }
    throw error;
  }
}

/** Why a validated or redacted pattern's width cannot be held back, or undefined. */
function widthProblem(maxWidth: number): string | undefined {
  const what = "a pattern that validates or redacts its matches";
  if (!Number.isFinite(maxWidth)) {
    return `${what} must have a bounded match width, and Hyperscan finds this one unbounded: bound every repeat (e.g. {1,64} instead of + or *)`;
  }
  if (maxWidth > MAX_HOLD_BACK_BYTES) {
    return `${what} may match up to ${maxWidth} bytes, above the limit of ${MAX_HOLD_BACK_BYTES} (weir holds that many bytes of each response body back): lower the repeat bounds`;
  }
  return undefined;
}
