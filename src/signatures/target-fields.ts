/**
 * The `targets` field: each entry is a target from src/inspect/types.ts, optionally narrowed to
 * one name with `target:selector`. Header selectors must be lower-case because Envoy lower-cases
 * header names, so an upper-case selector would silently never match.
 */
import { TARGETS, type Target } from "../inspect/types.js";
import { type Fail, listOf } from "./field-checks.js";
import { NAMED_TARGETS, type TargetRef } from "./types.js";
import type { YamlField, YamlFile } from "./yaml-source.js";

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseTargets(
  file: YamlFile,
  field: YamlField | undefined,
  fail: Fail,
): TargetRef[] | undefined {
  const entries = listOf<string>(file, field, "target", fail, (text, seen) => {
    if (seen.has(text)) return `target '${text}' listed twice`;
    return targetProblem(text);
  });
  if (entries === undefined || field === undefined) return undefined;
  if (entries.length === 0) {
    fail(field.line, "targets must list at least one target");
    return undefined;
  }
  return entries.map((text) => {
    const colon = text.indexOf(":");
    const target = (colon < 0 ? text : text.slice(0, colon)) as Target;
    return colon < 0 ? { target } : { target, selector: text.slice(colon + 1) };
  });
}

/** Why `target[:selector]` is not acceptable, or undefined when it is. */
function targetProblem(text: string): string | undefined {
  const colon = text.indexOf(":");
  const target = colon < 0 ? text : text.slice(0, colon);
  if (!(TARGETS as readonly string[]).includes(target)) {
    return `unknown target '${target}' (expected one of ${TARGETS.join(", ")})`;
  }
  if (colon < 0) return undefined;
  const selector = text.slice(colon + 1);
  if (!NAMED_TARGETS.has(target as Target)) {
    return `target '${target}' takes no selector (selectors apply to ${[...NAMED_TARGETS].join(", ")})`;
  }
  if (target === "request_headers" || target === "response_headers") {
    if (!HEADER_NAME.test(selector)) {
      return `header selector '${selector}' must be a lower-case header name (Envoy lower-cases header names)`;
    }
  } else if (target === "request_cookies") {
    if (!COOKIE_NAME.test(selector))
      return `cookie selector '${selector}' is not a valid cookie name`;
  } else if (!isFieldName(selector)) {
    return `field selector '${selector}' must be 1-256 characters without control characters`;
  }
  return undefined;
}

/** A form/JSON field name as a selector: 1-256 characters, none of them a control character. */
function isFieldName(name: string): boolean {
  if (name.length === 0 || name.length > 256) return false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}
