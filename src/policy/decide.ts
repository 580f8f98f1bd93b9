/**
 * Anomaly scoring, as in CRS: each distinct signature that fires adds its severity score to
 * its direction's total; when the total reaches the threshold the exchange is blocked (in
 * enforce mode). `limits` and `protocol` findings block on their own in enforce mode: they
 * mean weir can no longer see what the application will see. A finding rule may name its own
 * refusal status (an unknown Content-Encoding is 415, inspect/findings.ts); otherwise limits
 * use `limitStatus` and everything else `blockStatus`.
 */
import { findingRuleById } from "../inspect/findings.js";
import type { Family, Match } from "../inspect/types.js";
import type { Decision, Mode } from "./decision.js";

export interface PolicyConfig {
  readonly mode: Mode;
  /** Inbound anomaly threshold (CRS default 5: one critical signature blocks alone). */
  readonly threshold: number;
  /** HTTP status of the refusal (403 by default). */
  readonly blockStatus: number;
  /** Status for a `limits` refusal (413 by default). */
  readonly limitStatus: number;
}

export const DEFAULT_POLICY: PolicyConfig = {
  mode: "enforce",
  threshold: 5,
  blockStatus: 403,
  limitStatus: 413,
};

/**
 * Decide after a message: `all` is every match of this direction so far (including `fresh`),
 * `fresh` the ones the message just added. Only fresh matches can change the decision.
 */
export function decide(
  all: readonly Match[],
  fresh: readonly Match[],
  policy: PolicyConfig,
): Decision {
  if (fresh.length === 0) return { kind: "allow" };
  const score = all.reduce((sum, m) => sum + m.score, 0);
  if (policy.mode === "enforce") {
    for (const family of FINDING_FAMILIES) {
      if (!fresh.some((m) => m.family === family)) continue;
      const fallback = family === "limits" ? policy.limitStatus : policy.blockStatus;
      const status = findingStatus(fresh, family) ?? fallback;
      return { kind: "block", status, reason: family, score, matches: all };
    }
    if (score >= policy.threshold) {
      return {
        kind: "block",
        status: policy.blockStatus,
        reason: "signature",
        score,
        matches: all,
      };
    }
  }
  return { kind: "detect", score, matches: all };
}

/** Families whose findings block alone, the first present deciding the reason and status. */
const FINDING_FAMILIES = ["limits", "protocol"] as const satisfies readonly Family[];

/** The status named by the first fresh finding of `family` whose rule has one. */
function findingStatus(fresh: readonly Match[], family: Family): number | undefined {
  for (const m of fresh) {
    if (m.family !== family) continue;
    const status = findingRuleById(m.signatureId)?.status;
    if (status !== undefined) return status;
  }
  return undefined;
}
