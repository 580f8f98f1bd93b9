/**
 * The `samples` field of a signature: values that must match and values that must not. Every
 * signature carries at least MIN_SAMPLES of each, because a pattern without a positive sample
 * is untested and one without near-miss negatives is how false positives ship.
 */
import type { Node } from "yaml";
import type { Sample, SignatureSamples } from "./types.js";
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

export const MIN_SAMPLES = 2;

const KINDS = ["match", "nomatch"] as const;

export function parseSamples(
  file: YamlFile,
  field: YamlField,
  fail: (line: number, what: string) => void,
): SignatureSamples | undefined {
  const map = asMap(field.value);
  if (map === undefined) {
    fail(
      field.line,
      `samples must be a mapping with 'match' and 'nomatch' lists, got ${describe(field.value)}`,
    );
    return undefined;
  }
  const { fields, bad } = fieldsOf(file, map);
  for (const b of bad) fail(b.line, `samples: ${b.text}`);
  for (const f of fields.values()) {
    if (!(KINDS as readonly string[]).includes(f.key)) {
      fail(f.line, `unknown samples field '${f.key}' (expected match, nomatch)`);
    }
  }
  const match = sampleList(file, field.line, fields.get("match"), "match", fail);
  const nomatch = sampleList(file, field.line, fields.get("nomatch"), "nomatch", fail);
  return match === undefined || nomatch === undefined ? undefined : { match, nomatch };
}

function sampleList(
  file: YamlFile,
  samplesLine: number,
  field: YamlField | undefined,
  kind: (typeof KINDS)[number],
  fail: (line: number, what: string) => void,
): Sample[] | undefined {
  if (field === undefined) {
    fail(samplesLine, `samples.${kind} is missing (at least ${MIN_SAMPLES} values needed)`);
    return undefined;
  }
  const seq = asSeq(field.value);
  if (seq === undefined) {
    fail(field.line, `samples.${kind} must be a list, got ${describe(field.value)}`);
    return undefined;
  }
  const out: Sample[] = [];
  for (const item of seqItems(seq)) {
    const sample = sampleValue(item);
    if (sample === undefined) {
      fail(
        lineOf(file, item),
        `each samples.${kind} value must be a non-empty string or !!binary, got ${describe(item)}`,
      );
    } else {
      out.push(sample);
    }
  }
  if (out.length < MIN_SAMPLES) {
    fail(field.line, `samples.${kind} has ${out.length} value(s), at least ${MIN_SAMPLES} needed`);
    return undefined;
  }
  return out;
}

function sampleValue(node: Node | null): Sample | undefined {
  const value = scalarValue(node);
  if (typeof value === "string" && value !== "") return value;
  if (value instanceof Uint8Array && value.length > 0) return value;
  return undefined;
}
