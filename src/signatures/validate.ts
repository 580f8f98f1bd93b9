/**
 * Asks Hyperscan itself whether each pattern is acceptable before the set is compiled: a
 * pattern Hyperscan refuses (backreferences, lookaround, a syntax error) or one that can match
 * the empty string (it would fire on every value) fails with Hyperscan's own message, naming
 * file:line and the id. One bad pattern fails its signature only.
 */
import { expressionInfo, HyperscanError } from "hyperscan-js";
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
    return undefined;
  } catch (error: unknown) {
    if (error instanceof HyperscanError) {
      return `pattern rejected by Hyperscan: ${error.message.replace(/^expressionInfo:\s*/, "")}`;
    }
    throw error;
  }
}
