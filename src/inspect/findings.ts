/**
 * Findings that come from decoders and budgets rather than from patterns: a body weir cannot
 * parse, a structure past a limit, a declared encoding or charset weir will not read. They are
 * reported as matches with ids of their own (the 990000 range, table in docs/findings.md) so
 * that policy, metrics and events treat them like any signature.
 *
 * Ids are stable and grouped: 9900xx body structure and budgets (JSON, forms, query, the
 * inspection limit, the body size), 99001x decoded arguments, 99002x framing headers, 9901xx
 * multipart framing and part headers, 9902xx charsets, 9903xx Content-Encoding, 9904xx XML
 * bodies (9904[0-4]x structure and budgets, 99041x document type declarations, family xxe),
 * 9909xx the generic fallback per kind. A rule may name the HTTP status its refusal uses; without one the
 * policy's status for the family applies.
 */
import type { AnomalyKind } from "../decode/types.js";
import type { Family, Severity, Target } from "./types.js";
import { SEVERITY_SCORE } from "./types.js";

export interface FindingRule {
  readonly id: number;
  readonly family: Family;
  readonly severity: Severity;
  /** HTTP status of a refusal this finding causes (e.g. 415); the policy's default if absent. */
  readonly status?: number;
}

type Rules = Readonly<Record<string, FindingRule>>;

const protocol = (id: number, severity: Severity = "critical"): FindingRule => ({
  id,
  family: "protocol",
  severity,
});
const limits = (id: number): FindingRule => ({ id, family: "limits", severity: "critical" });

/**
 * Body structure and budgets. JSON nesting past the depth cap is a parser refusal, not a size:
 * it is refused with 403 like the other request-body-parser findings (shared case 21); the
 * size limits (body size, decompressed size) keep the limits status, 413.
 */
const BODY: Rules = {
  json_syntax: protocol(990001),
  json_depth: { ...limits(990002), status: 403 },
  form_field_count: limits(990003),
  query_field_count: limits(990004),
  inspection_limit: limits(990005),
  json_utf8: protocol(990006),
  body_too_large: limits(990007),
  // The per-message time budget (budget.ts): refused (403, as a parser refusal: shared case 50),
  // or passed uninspected (recorded only, never handed to the policy).
  time_budget: { ...limits(990008), status: 403 },
  time_budget_passed: limits(990009),
};

/**
 * Decoded argument values (query, form, JSON and multipart fields other than file contents),
 * CRS's protocol-enforcement checks on ARGS: a NUL byte (920270: C-string truncation, shared
 * case 30) and an overlong UTF-8 form (920250: "." and "/" in disguise, shared case 25).
 */
const ARGUMENTS: Rules = {
  argument_nul: protocol(990010),
  argument_overlong_utf8: protocol(990011),
};

/** Request framing headers (CRS 920180/920171 family, shared case 55). */
const FRAMING: Rules = {
  content_length_with_transfer_encoding: protocol(990020),
  transfer_encoding_unknown: protocol(990021),
};

/** multipart/form-data framing and part headers (src/decode/multipart.ts). */
const MULTIPART: Rules = {
  multipart_boundary: protocol(990100),
  multipart_preamble: protocol(990101, "warning"),
  multipart_delimiter_padding: protocol(990102, "warning"),
  multipart_delimiter_syntax: protocol(990103),
  multipart_bare_lf: protocol(990104),
  multipart_close_delimiter_first: protocol(990105),
  multipart_epilogue: protocol(990106, "warning"),
  multipart_unterminated: protocol(990107),
  multipart_header_syntax: protocol(990108),
  multipart_header_folding: protocol(990109),
  multipart_duplicate_header: protocol(990110),
  multipart_duplicate_param: protocol(990111),
  multipart_filename_ext: protocol(990112, "warning"),
  multipart_missing_name: protocol(990113),
  multipart_missing_disposition: protocol(990114),
  multipart_transfer_encoding: protocol(990115),
  multipart_part_count: limits(990150),
  multipart_header_limit: limits(990151),
};

/** Declared charsets (src/decode/charset.ts). */
const CHARSET: Rules = {
  charset_not_allowed: protocol(990200),
  charset_conflict: protocol(990201),
  multipart_part_charset: protocol(990202),
};

/** Content-Encoding (src/decode/inflate.ts): an unknown coding is refused as 415. */
const CONTENT_ENCODING: Rules = {
  content_encoding_unknown: { ...protocol(990300), status: 415 },
  content_encoding_corrupt: protocol(990301),
  decompression_limit: limits(990302),
};

/**
 * XML bodies (src/decode/xml*.ts). Nesting past the depth cap is a parser refusal (403), as for
 * JSON. A DOCTYPE's external entities are the XXE attack itself (critical); an external DTD from
 * an unknown address is weaker evidence (error: it blocks together with any other finding, such
 * as the xxe signatures on the raw body).
 */
const XML: Rules = {
  xml_syntax: protocol(990400),
  xml_depth: { ...limits(990401), status: 403 },
  xml_field_count: limits(990402),
  xml_utf8: protocol(990403),
  xml_encoding: protocol(990404),
  xml_external_entity: { id: 990410, family: "xxe", severity: "critical" },
  xml_external_dtd: { id: 990411, family: "xxe", severity: "error" },
};

/** Stable ids per decoder anomaly code; codes not listed fall back to the generic id of their kind. */
export const FINDING_RULES: Rules = {
  ...BODY,
  ...ARGUMENTS,
  ...FRAMING,
  ...MULTIPART,
  ...CHARSET,
  ...CONTENT_ENCODING,
  ...XML,
};

const GENERIC: Readonly<Record<AnomalyKind, FindingRule>> = {
  protocol: protocol(990900),
  limits: limits(990901),
  xxe: { id: 990902, family: "xxe", severity: "critical" },
};

const BY_ID: ReadonlyMap<number, FindingRule> = new Map(
  [...Object.values(FINDING_RULES), ...Object.values(GENERIC)].map((rule) => [rule.id, rule]),
);

export function findingRule(kind: AnomalyKind, code: string): FindingRule {
  const rule = FINDING_RULES[code];
  return rule !== undefined && rule.family === kind ? rule : GENERIC[kind];
}

/** The rule behind a finding's signature id, or undefined for a signature from a file. */
export function findingRuleById(id: number): FindingRule | undefined {
  return BY_ID.get(id);
}

export function findingScore(rule: FindingRule): number {
  return SEVERITY_SCORE[rule.severity];
}

/** The target a finding is reported against (the body it was found in). */
export type FindingTarget = Extract<Target, "request_body" | "response_body" | "args">;
