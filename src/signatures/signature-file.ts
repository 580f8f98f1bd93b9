/**
 * One signature file: a mapping with `family` and a `signatures` list. A file whose top level
 * is unreadable fails as a whole (no id to blame); otherwise each entry is checked on its own,
 * so one bad signature never hides the others in the same file.
 */
import { FAMILIES, type Family } from "../inspect/types.js";
import { type ParsedEntry, parseSignature } from "./signature-fields.js";
import {
  asMap,
  asSeq,
  describe,
  fieldsOf,
  lineOf,
  parseYamlFile,
  scalarValue,
  seqItems,
} from "./yaml-source.js";

export type ParsedFile =
  | { readonly ok: true; readonly family: Family; readonly entries: readonly ParsedEntry[] }
  | {
      readonly ok: false;
      readonly line: number;
      readonly error: string;
      /** Signature entries the file held by its raw text (`- id:` lines), all dropped. */
      readonly signatures: number;
    };

const TOP_LEVEL = ["family", "signatures"];

export function parseSignatureFile(path: string, text: string): ParsedFile {
  const parsed = parseYamlFile(path, text);
  const held = rawEntries(text);
  if (!parsed.ok) {
    const id = entryAt(held, parsed.line);
    const where = id === undefined ? "" : ` signature ${id}:`;
    return {
      ok: false,
      line: parsed.line,
      error: `${path}:${parsed.line}:${where} YAML: ${parsed.message}${dropped(held.length)}`,
      signatures: held.length,
    };
  }
  const { file } = parsed;
  const contents = file.doc.contents;
  const top = asMap(contents);
  if (top === undefined) {
    const line = lineOf(file, contents);
    return {
      ok: false,
      line,
      error: `${path}:${line}: expected a mapping with 'family' and 'signatures', got ${describe(contents)}${dropped(held.length)}`,
      signatures: held.length,
    };
  }
  const { fields, bad } = fieldsOf(file, top);
  const problems: { line: number; text: string }[] = [...bad];
  for (const f of fields.values()) {
    if (!TOP_LEVEL.includes(f.key)) {
      problems.push({
        line: f.line,
        text: `unknown top-level field '${f.key}' (expected family, signatures)`,
      });
    }
  }
  const familyField = fields.get("family");
  const family = scalarValue(familyField?.value ?? null);
  if (familyField === undefined) {
    problems.push({ line: 1, text: "missing top-level field 'family'" });
  } else if (typeof family !== "string" || !(FAMILIES as readonly string[]).includes(family)) {
    problems.push({
      line: familyField.line,
      text: `unknown family ${describe(familyField.value)} (expected one of ${FAMILIES.join(", ")})`,
    });
  }
  const listField = fields.get("signatures");
  const list = listField === undefined ? undefined : asSeq(listField.value);
  if (listField === undefined) {
    problems.push({ line: 1, text: "missing top-level field 'signatures'" });
  } else if (list === undefined) {
    problems.push({
      line: listField.line,
      text: `'signatures' must be a list, got ${describe(listField.value)}`,
    });
  }
  const first = problems[0];
  if (first !== undefined || list === undefined) {
    const line = first?.line ?? 1;
    return {
      ok: false,
      line,
      error: `${path}:${line}: ${first?.text ?? "unreadable file"}${dropped(held.length)}`,
      signatures: held.length,
    };
  }
  const entries = seqItems(list).map((node, index) =>
    parseSignature(file, node, family as Family, index),
  );
  return { ok: true, family: family as Family, entries };
}

/** `- id: N` lines of the raw text, so a file YAML cannot parse still names its entries. */
function rawEntries(text: string): { line: number; id: string }[] {
  const entries: { line: number; id: string }[] = [];
  text.split("\n").forEach((line, index) => {
    const id = /^\s*-\s+id:\s*["']?(\d+)/.exec(line)?.[1];
    if (id !== undefined) entries.push({ line: index + 1, id });
  });
  return entries;
}

/** The id of the nearest entry starting at or before `line`, if any. */
function entryAt(entries: readonly { line: number; id: string }[], line: number) {
  return entries.findLast((e) => e.line <= line)?.id;
}

function dropped(count: number): string {
  const what = count === 1 ? "1 signature" : `${count} signatures`;
  return ` (whole file not loaded: ${what} dropped)`;
}
