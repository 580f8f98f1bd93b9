/**
 * Checks one entry of a signature file field by field and builds the Signature. Every problem
 * becomes a message "file:line: signature <id>: <what> (<what was expected>)" pointing at the
 * line of the offending field, and all problems of an entry are collected, not just the first,
 * so an author fixes a file in one pass.
 */
import type { Node } from "yaml";
import { type Family, SEVERITIES, type Severity } from "../inspect/types.js";
import { enumField, type Fail, listOf, stringField } from "./field-checks.js";
import { formatIdRange, idRangeOf } from "./id-ranges.js";
import { LEAK_FIELDS, parseLeakFields } from "./leak-fields.js";
import { parseSamples } from "./sample-fields.js";
import { parseTargets } from "./target-fields.js";
import {
  isParanoiaLevel,
  isSignatureFlag,
  isTransformName,
  SIGNATURE_FLAGS,
  type Signature,
  type SignatureFlag,
  type SourceRef,
  TRANSFORM_NAMES,
  type TransformName,
} from "./types.js";
import {
  asMap,
  describe,
  fieldsOf,
  lineOf,
  scalarValue,
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
const OPTIONAL = ["transforms", "flags", "tags", ...LEAK_FIELDS] as const;
const KNOWN: readonly string[] = [...REQUIRED, ...OPTIONAL];

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
    return {
      ok: false,
      id: undefined,
      source: { file: file.path, line: startLine },
      errors: [error],
    };
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
    if (!KNOWN.includes(f.key))
      fail(f.line, `unknown field '${f.key}' (expected one of ${KNOWN.join(", ")})`);
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
  const transforms = listOf<TransformName>(
    file,
    fields.get("transforms"),
    "transform",
    fail,
    (v) =>
      isTransformName(v)
        ? undefined
        : `unknown transform '${v}' (expected one of ${TRANSFORM_NAMES.join(", ")})`,
  );
  const flags = listOf<SignatureFlag>(file, fields.get("flags"), "flag", fail, (v, seen) => {
    if (v === "singlematch") return "flag 'singlematch' is always added by the compiler; remove it";
    if (!isSignatureFlag(v))
      return `unknown flag '${v}' (expected one of ${SIGNATURE_FLAGS.join(", ")})`;
    return seen.has(v) ? `flag '${v}' listed twice` : undefined;
  });
  const tags = listOf<string>(file, fields.get("tags"), "tag", fail, () => undefined);
  const pattern = parsePattern(fields.get("pattern"), fail);
  const leak = parseLeakFields(fields, targets, transforms, fail);
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
      ...leak,
    },
  };
}

function checkId(field: YamlField, id: number | undefined, family: Family, fail: Fail): void {
  if (id === undefined || id <= 0) {
    fail(field.line, `id must be a positive integer, got ${describe(field.value)}`);
    return;
  }
  const range = idRangeOf(family);
  if (range === undefined) {
    fail(
      field.line,
      `family '${family}' has no signature id range (its findings come from decoders)`,
    );
  } else if (id < range.first || id > range.last) {
    fail(field.line, `id ${id} is outside the ${family} range ${formatIdRange(range)}`);
  }
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
    fail(
      field.line,
      `inline modifier '${modifier[0]}' in pattern: use flags (caseless, dotall, multiline) instead`,
    );
  }
  if (/^(?:\.\*|\.\+|\(\?:\.\*\))/.test(value)) {
    fail(
      field.line,
      "pattern starts with '.*': Hyperscan matches anywhere already, and a leading '.*' slows the whole group",
    );
  }
  return value;
}
