/**
 * The fields of data-leak signatures: `validate` (a check the matched bytes must pass, e.g.
 * `luhn` for card numbers), `redact` (replace matches in flight: `mask`, `token`, or `true` for
 * the configured default) and `redact_after` (replace only what follows the last of these
 * characters in a match, so `"SecretAccessKey": "…"` keeps its key and quotes and the JSON
 * stays valid). They need the matched bytes, which weir keeps only for response bodies (a
 * bounded tail, src/redact/), so they apply to response targets only; the pattern's width
 * bound is checked against Hyperscan in validate.ts.
 */
import type { Target } from "../inspect/types.js";
import { isRedactStyle, type RedactChoice } from "../redact/options.js";
import { isValidatorName, VALIDATORS, type ValidatorName } from "../redact/validators.js";
import type { Fail } from "./field-checks.js";
import type { TargetRef } from "./types.js";
import { describe, scalarValue, type YamlField } from "./yaml-source.js";

export const LEAK_FIELDS = ["validate", "redact", "redact_after"] as const;

/** Targets whose values weir can hand to a validator or rewrite. */
export const LEAK_TARGETS: ReadonlySet<Target> = new Set<Target>([
  "response_headers",
  "response_body",
]);

/** Longest `redact_after` character set. */
const MAX_DELIMITERS = 16;

export interface LeakFields {
  readonly validate?: ValidatorName;
  readonly redact?: RedactChoice;
  readonly redactAfter?: string;
}

export function parseLeakFields(
  fields: ReadonlyMap<string, YamlField>,
  targets: readonly TargetRef[] | undefined,
  transforms: readonly string[] | undefined,
  fail: Fail,
): LeakFields {
  const validate = parseValidate(fields.get("validate"), fail);
  const redact = parseRedact(fields.get("redact"), fail);
  const afterField = fields.get("redact_after");
  const redactAfter = parseRedactAfter(afterField, fail);
  if (afterField !== undefined && fields.get("redact") === undefined) {
    fail(afterField.line, "redact_after needs redact (it narrows what a redaction replaces)");
  }
  const leakField = fields.get("validate") ?? fields.get("redact");
  if (leakField !== undefined && (transforms?.length ?? 0) > 0) {
    fail(
      leakField.line,
      "validate and redact work on the bytes as sent, so a signature using them cannot have transforms",
    );
  }
  if (leakField !== undefined && targets !== undefined) {
    const others = targets.filter((t) => !LEAK_TARGETS.has(t.target)).map((t) => t.target);
    if (others.length > 0) {
      fail(
        leakField.line,
        `validate and redact apply to response targets only (response_headers, response_body), not ${[...new Set(others)].join(", ")}`,
      );
    }
    const redactField = fields.get("redact");
    if (redactField !== undefined && !targets.some((t) => t.target === "response_body")) {
      fail(
        redactField.line,
        "redact needs the response_body target: only response bodies are rewritten (headers are inspected, not rewritten)",
      );
    }
  }
  return {
    ...(validate === undefined ? {} : { validate }),
    ...(redact === undefined ? {} : { redact }),
    ...(redactAfter === undefined ? {} : { redactAfter }),
  };
}

function parseValidate(field: YamlField | undefined, fail: Fail): ValidatorName | undefined {
  if (field === undefined) return undefined;
  const value = scalarValue(field.value);
  if (isValidatorName(value)) return value;
  fail(
    field.line,
    `validate must be one of ${VALIDATORS.join(", ")}, got ${describe(field.value)}`,
  );
  return undefined;
}

function parseRedact(field: YamlField | undefined, fail: Fail): RedactChoice | undefined {
  if (field === undefined) return undefined;
  const value = scalarValue(field.value);
  if (value === true) return "default";
  if (isRedactStyle(value)) return value;
  fail(
    field.line,
    `redact must be mask, token or true (the configured default style), got ${describe(field.value)}`,
  );
  return undefined;
}

function parseRedactAfter(field: YamlField | undefined, fail: Fail): string | undefined {
  if (field === undefined) return undefined;
  const value = scalarValue(field.value);
  const ascii = typeof value === "string" && /^[\x20-\x7e]+$/.test(value);
  if (!ascii || value.length > MAX_DELIMITERS) {
    fail(
      field.line,
      `redact_after must be 1 to ${MAX_DELIMITERS} printable ASCII characters, got ${describe(field.value)}`,
    );
    return undefined;
  }
  return value;
}
