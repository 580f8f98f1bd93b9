/**
 * Findings that come from decoders and budgets rather than from patterns: a body weir cannot
 * parse, a structure past a limit. They are reported as matches with ids of their own (the
 * 990000 range, documented in signatures/README.md) so that policy, metrics and events treat
 * them like any signature.
 */
import type { AnomalyKind } from "../decode/types.js";
import type { Family, Severity, Target } from "./types.js";
import { SEVERITY_SCORE } from "./types.js";

export interface FindingRule {
  readonly id: number;
  readonly family: Family;
  readonly severity: Severity;
}

/** Stable ids per decoder anomaly code; codes not listed fall back to the generic id of their kind. */
const RULES: Readonly<Record<string, FindingRule>> = {
  json_syntax: { id: 990001, family: "protocol", severity: "critical" },
  json_depth: { id: 990002, family: "limits", severity: "critical" },
  form_field_count: { id: 990003, family: "limits", severity: "critical" },
  query_field_count: { id: 990004, family: "limits", severity: "critical" },
  inspection_limit: { id: 990005, family: "limits", severity: "critical" },
};

const GENERIC: Readonly<Record<AnomalyKind, FindingRule>> = {
  protocol: { id: 990900, family: "protocol", severity: "critical" },
  limits: { id: 990901, family: "limits", severity: "critical" },
};

export function findingRule(kind: AnomalyKind, code: string): FindingRule {
  const rule = RULES[code];
  return rule !== undefined && rule.family === kind ? rule : GENERIC[kind];
}

export function findingScore(rule: FindingRule): number {
  return SEVERITY_SCORE[rule.severity];
}

/** The target a finding is reported against (the body it was found in). */
export type FindingTarget = Extract<Target, "request_body" | "response_body" | "args">;
