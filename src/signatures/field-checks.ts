/**
 * Small field checks shared by the signature and target parsers: a required string, one value
 * of an enumeration, a list of strings each checked by a callback. Each reports through `fail`
 * with the line of the offending YAML node and returns undefined when the field is unusable.
 */
import {
  asSeq,
  describe,
  lineOf,
  scalarValue,
  seqItems,
  type YamlField,
  type YamlFile,
} from "./yaml-source.js";

export type Fail = (line: number, what: string) => void;

export function stringField(
  field: YamlField | undefined,
  key: string,
  max: number,
  fail: Fail,
): string | undefined {
  if (field === undefined) return undefined;
  const value = scalarValue(field.value);
  if (typeof value !== "string" || value.trim() === "") {
    fail(field.line, `${key} must be a non-empty string, got ${describe(field.value)}`);
    return undefined;
  }
  if (value.length > max)
    fail(field.line, `${key} is ${value.length} characters long (at most ${max})`);
  return value;
}

export function enumField<T extends string>(
  field: YamlField | undefined,
  key: string,
  allowed: readonly T[],
  fail: Fail,
): T | undefined {
  if (field === undefined) return undefined;
  const value = scalarValue(field.value);
  if (typeof value === "string" && (allowed as readonly string[]).includes(value))
    return value as T;
  fail(field.line, `${key} must be one of ${allowed.join(", ")}, got ${describe(field.value)}`);
  return undefined;
}

/** A list of strings, each checked by `check` (which returns a problem or undefined). */
export function listOf<T extends string>(
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
