/**
 * Checks one entry of a signature file field by field and builds the Signature. Every problem
 * becomes a message "file:line: signature <id>: <what> (<what was expected>)" pointing at the
 * line of the offending field, and all problems of an entry are collected, not just the first,
 * so an author fixes a file in one pass.
 */
import type { Node } from "yaml";
import { type Family, SEVERITIES, type Severity, TARGETS, type Target } from "../inspect/types.js";
import { formatIdRange, idRangeOf } from "./id-ranges.js";
import { parseSamples } from "./sample-fields.js";
import {
  isParanoiaLevel,
  isSignatureFlag,
  isTransformName,
  NAMED_TARGETS,
  type Signature,
  type SignatureFlag,
  SIGNATURE_FLAGS,
  type SourceRef,
  type TargetRef,
  TRANSFORM_NAMES,
  type TransformName,
} from "./types.js";
import {
  asMap,
  asSeq,
  describe,
  fieldsOf,
  lineOf,
  scalarValue,
  seqItems,
  type YamlField,
  type YamlFile,
} from "./yaml-source.js";

export type ParsedEntry =
  | { readonly ok: true; readonly signature: Signature }
  | {
      readonly ok: false;
      readonly id: number | undefined;
      readonly source: SourceRef;
      readonly errors: readonly string[];
    };

const REQUIRED = ["id", "name", "severity", "paranoia", "targets", "pattern", "samples"] as const;
const OPTIONAL = ["transforms", "flags", "tags"] as const;
const KNOWN: readonly string[] = [...REQUIRED, ...OPTIONAL];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_NAME = /^[^\x00-\x1f\x7f]{1,256}$/;
const INLINE_MODIFIER = /\(\?[imsx-]+[):]/;

export function parseSignature(
  file: YamlFile,
  node: Node | null,
  family: Family,
  index: number,
): ParsedEntry {
  const startLine = lineOf(file, node);
  const map = asMap(node);
  const fallbackLabel = `#${index + 1}`;
  if (map === undefined) {
    const error = `${file.path}:${startLine}: signature ${fallbackLabel}: expected a mapping of fields, got ${describe(node)}`;
    return { ok: false, id: undefined, source: { file: file.path, line: startLine }, errors: [error] };
  }
  const { fields, bad } = fieldsOf(file, map);
  const rawId = scalarValue(fields.get("id")?.value ?? null);
  const id = typeof rawId === "number" && Number.isSafeInteger(rawId) ? rawId : undefined;
  const label = id ?? fallbackLabel;
  const source: SourceRef = { file: file.path, line: startLine };
  const errors: string[] = [];
  const fail = (line: number, what: string) =>
    errors.push(`${file.path}:${line}: signature ${label}: ${what}`);

  for (const b of bad) fail(b.line, b.text);
  for (const f of fields.values()) {
    if (!KNOWN.includes(f.key)) fail(f.line, `unknown field '${f.key}' (expected one of ${KNOWN.join(", ")})`);
  }
  for (const key of REQUIRED) {
    if (!fields.has(key)) fail(startLine, `missing field '${key}'`);
  }

  const idField = fields.get("id");
  if (idField !== undefined) checkId(idField, id, family, fail);
  const name = stringField(fields.get("name"), "name", 160, fail);
  const severity = enumField<Severity>(fields.get("severity"), "severity", SEVERITIES, fail);
  const paranoiaField = fields.get("paranoia");
  const paranoia = scalarValue(paranoiaField?.value ?? null);
  if (paranoiaField !== undefined && !isParanoiaLevel(paranoia)) {
    fail(paranoiaField.line, `paranoia must be 1, 2, 3 or 4, got ${describe(paranoiaField.value)}`);
  }
  const targets = parseTargets(file, fields.get("targets"), fail);
  const transforms = listOf<TransformName>(file, fields.get("transforms"), "transform", fail, (v) =>
    isTransformName(v) ? undefined : `unknown transform '${v}' (expected one of ${TRANSFORM_NAMES.join(", ")})`,
  );
  const flags = listOf<SignatureFlag>(file, fields.get("flags"), "flag", fail, (v, seen) => {
    if (v === "singlematch") return "flag 'singlematch' is always added by the compiler; remove it";
    if (!isSignatureFlag(v)) return `unknown flag '${v}' (expected one of ${SIGNATURE_FLAGS.join(", ")})`;
    return seen.has(v) ? `flag '${v}' listed twice` : undefined;
  });
  const tags = listOf<string>(file, fields.get("tags"), "tag", fail, () => undefined);
  const pattern = parsePattern(fields.get("pattern"), fail);
  const samplesField = fields.get("samples");
  const samples = samplesField === undefined ? undefined : parseSamples(file, samplesField, fail);

  if (
    errors.length > 0 ||
    id === undefined ||
    name === undefined ||
    severity === undefined ||
    !isParanoiaLevel(paranoia) ||
    targets === undefined ||
    pattern === undefined ||
    samples === undefined
  ) {
    if (errors.length === 0) fail(startLine, "incomplete signature");
    return { ok: false, id, source, errors };
  }
  return {
    ok: true,
    signature: {
      id,
      name,
      family,
      severity,
      paranoia,
      targets,
      transforms: transforms ?? [],
      pattern,
      flags: flags ?? [],
      tags: tags ?? [],
      samples,
      source,
    },
  };
}

type Fail = (line: number, what: string) => void;

function checkId(field: YamlField, id: number | undefined, family: Family, fail: Fail): void {
  if (id === undefined || id <= 0) {
    fail(field.line, `id must be a positive integer, got ${describe(field.value)}`);
    return;
  }
  const range = idRangeOf(family);
  if (range === undefined) {
    fail(field.line, `family '${family}' has no signature id range (its findings come from decoders)`);
  } else if (id < range.first || id > range.last) {
    fail(field.line, `id ${id} is outside the ${family} range ${formatIdRange(range)}`);
  }
}

function stringField(field: YamlField | undefined, key: string, max: number, fail: Fail): string | undefined {
  if (field === undefined) return undefined;
  const value = scalarValue(field.value);
  if (typeof value !== "string" || value.trim() === "") {
    fail(field.line, `${key} must be a non-empty string, got ${describe(field.value)}`);
    return undefined;
  }
  if (value.length > max) fail(field.line, `${key} is ${value.length} characters long (at most ${max})`);
  return value;
}

function enumField<T extends string>(
  field: YamlField | undefined,
  key: string,
  allowed: readonly T[],
  fail: Fail,
): T | undefined {
  if (field === undefined) return undefined;
  const value = scalarValue(field.value);
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  fail(field.line, `${key} must be one of ${allowed.join(", ")}, got ${describe(field.value)}`);
  return undefined;
}

/** A list of strings, each checked by `check` (which returns a problem or undefined). */
function listOf<T extends string>(
  file: YamlFile,
  field: YamlField | undefined,
  what: string,
  fail: Fail,
  check: (value: string, seen: ReadonlySet<string>) => string | undefined,
): T[] | undefined {
  if (field === undefined) return undefined;
  const seq = asSeq(field.value);
  if (seq === undefined) {
    fail(field.line, `${field.key} must be a list, got ${describe(field.value)}`);
    return undefined;
  }
  const out: T[] = [];
  const seen = new Set<string>();
  for (const item of seqItems(seq)) {
    const value = scalarValue(item);
    const line = lineOf(file, item);
    if (typeof value !== "string" || value === "") {
      fail(line, `each ${what} must be a non-empty string, got ${describe(item)}`);
      continue;
    }
    const problem = check(value, seen);
    if (problem !== undefined) fail(line, problem);
    else out.push(value as T);
    seen.add(value);
  }
  return out;
}

function parseTargets(file: YamlFile, field: YamlField | undefined, fail: Fail): TargetRef[] | undefined {
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
    if (!COOKIE_NAME.test(selector)) return `cookie selector '${selector}' is not a valid cookie name`;
  } else if (!FIELD_NAME.test(selector)) {
    return `field selector '${selector}' must be 1-256 characters without control characters`;
  }
  return undefined;
}

function parsePattern(field: YamlField | undefined, fail: Fail): string | undefined {
  if (field === undefined) return undefined;
  const value = scalarValue(field.value);
  if (typeof value !== "string" || value === "") {
    fail(field.line, `pattern must be a non-empty string, got ${describe(field.value)}`);
    return undefined;
  }
  const modifier = INLINE_MODIFIER.exec(value);
  if (modifier !== null) {
    fail(field.line, `inline modifier '${modifier[0]}' in pattern: use flags (caseless, dotall, multiline) instead`);
  }
  if (/^(?:\.\*|\.\+|\(\?:\.\*\))/.test(value)) {
    fail(field.line, "pattern starts with '.*': Hyperscan matches anywhere already, and a leading '.*' slows the whole group");
  }
  return value;
}
