/**
 * Reading a signature file as a YAML node tree that remembers line numbers, so every message
 * the loader writes can say file:line. Only the node-level helpers the field checks need are
 * here; what the fields mean is in signature-fields.ts.
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";

export interface YamlFile {
  /** The path as it appears in messages. */
  readonly path: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

export type YamlParse =
  | { readonly ok: true; readonly file: YamlFile }
  | { readonly ok: false; readonly line: number; readonly message: string };

/** Parses one file; `!!binary` scalars become Uint8Array, repeated keys are errors. */
export function parseYamlFile(path: string, text: string): YamlParse {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    customTags: ["binary"],
    prettyErrors: false,
  });
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first !== undefined) {
    // linePos is only set with prettyErrors; pos (an offset) always is.
    const line = first.linePos?.[0].line ?? lines.linePos(first.pos[0]).line;
    const message = first.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "";
    return { ok: false, line: Math.max(line, 1), message };
  }
  return { ok: true, file: { path, doc, lines } };
}

/** 1-based line of a node's first character (1 when the node has no position). */
export function lineOf(file: YamlFile, node: Node | null | undefined): number {
  const start = node?.range?.[0];
  return start === undefined ? 1 : file.lines.linePos(start).line;
}

/** One `key: value` of a mapping, with the line to blame for a bad value. */
export interface YamlField {
  readonly key: string;
  readonly value: Node | null;
  readonly line: number;
}

/** The fields of a mapping by key; non-scalar or non-string keys are reported in `bad`. */
export function fieldsOf(
  file: YamlFile,
  map: YAMLMap,
): { fields: Map<string, YamlField>; bad: { line: number; text: string }[] } {
  const fields = new Map<string, YamlField>();
  const bad: { line: number; text: string }[] = [];
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    const valueNode = (pair.value ?? null) as Node | null;
    const line = lineOf(file, valueNode ?? keyNode);
    if (!isScalar(keyNode) || typeof keyNode.value !== "string") {
      bad.push({ line: lineOf(file, keyNode), text: "keys must be plain strings" });
      continue;
    }
    fields.set(keyNode.value, { key: keyNode.value, value: valueNode, line });
  }
  return { fields, bad };
}

export function asMap(node: Node | null): YAMLMap | undefined {
  return isMap(node) ? node : undefined;
}

export function asSeq(node: Node | null): YAMLSeq | undefined {
  return isSeq(node) ? node : undefined;
}

/** The scalar's value (string, number, boolean, null, Uint8Array), or undefined for others. */
export function scalarValue(node: Node | null): unknown {
  return isScalar(node) ? (node as Scalar).value : undefined;
}

/** Items of a sequence as nodes (flow `[a, b]` and block `- a` alike). */
export function seqItems(seq: YAMLSeq): (Node | null)[] {
  return seq.items.map((item) => (item ?? null) as Node | null);
}

/** A short, printable description of a YAML value for "got ..." in messages. */
export function describe(node: Node | null): string {
  if (node === null) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  const value = scalarValue(node);
  if (value instanceof Uint8Array) return "binary data";
  if (value === null) return "null";
  return typeof value === "string" ? JSON.stringify(value.slice(0, 60)) : String(value);
}
