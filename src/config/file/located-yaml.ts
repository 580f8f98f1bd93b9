/**
 * A parsed configuration file that can say where any of its values is written: the value as
 * plain data (for the schema and the resolver) next to the YAML node tree with offsets, and a
 * LineCounter to turn offsets into line and column. Paths are lists of keys and indexes, as
 * ajv's instancePath and the semantic checks produce them.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from "yaml";
import type { ConfigProblem } from "./problems.js";

export type PathSegment = string | number;
export type DocPath = readonly PathSegment[];

/** `routes[2].exclusions[0].signatures[1]`; keys that are not plain words are quoted. */
export function formatPath(path: DocPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export type YamlParse =
  | { readonly ok: true; readonly yaml: LocatedYaml }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

const MAX_SHOWN = 40;

export class LocatedYaml {
  private constructor(
    /** The file as shown in messages. */
    readonly file: string,
    readonly value: unknown,
    private readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; YAML errors (bad indentation, tabs, repeated keys) become problems. */
  static parse(file: string, text: string): YamlParse {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const errors = [...doc.errors, ...doc.warnings];
    if (errors.length > 0) {
      return {
        ok: false,
        problems: errors.map((e) => {
          const { line, col } = lines.linePos(e.pos[0]);
          const message = (e.message.split("\n")[0] ?? "").replace(
            / at line \d+, column \d+:?$/,
            "",
          );
          return {
            file,
            line: Math.max(line, 1),
            column: col,
            path: "",
            message: `YAML: ${message}`,
          };
        }),
      };
    }
    if (doc.contents === null) {
      const problem = "the file is empty; write {} to run with every default";
      return { ok: false, problems: [{ file, line: 1, column: 1, path: "", message: problem }] };
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        problems: [{ file, line: 1, column: 1, path: "", message: `YAML: ${message}` }],
      };
    }
    return { ok: true, yaml: new LocatedYaml(file, value, text, doc, lines) };
  }

  /**
   * A problem at `path`. With `key`, the last segment names a key and the problem points at the
   * key itself (an unknown key); otherwise at the value. A path that goes past what the file
   * holds points at the deepest part that exists.
   */
  problem(path: DocPath, message: string, options: { readonly key?: boolean } = {}): ConfigProblem {
    const offset = this.offsetOf(path, options.key === true);
    const { line, col } = this.lines.linePos(offset);
    return {
      file: this.file,
      line: Math.max(line, 1),
      column: col,
      path: formatPath(path),
      message,
    };
  }

  /**
   * The value at `path` as written in the file (a scalar's source text, first line, shortened),
   * or a description of a collection ("a map", "a list"); undefined when there is no such node.
   */
  shown(path: DocPath): string | undefined {
    const node = this.nodeAt(path).node;
    if (node === undefined) return undefined;
    if (isMap(node)) return "a map";
    if (isSeq(node)) return "a list";
    const range = node.range;
    if (range === undefined || range === null) return undefined;
    const source = this.text.slice(range[0], range[1]).split("\n")[0]?.trim() ?? "";
    return source.length > MAX_SHOWN ? `${source.slice(0, MAX_SHOWN)}...` : source;
  }

  private offsetOf(path: DocPath, key: boolean): number {
    const found = this.nodeAt(path);
    const keyOffset = found.keyNode?.range?.[0];
    if (key && keyOffset !== undefined) return keyOffset;
    return found.node?.range?.[0] ?? keyOffset ?? found.deepest?.range?.[0] ?? 0;
  }

  private nodeAt(path: DocPath): {
    node: Node | undefined;
    keyNode: Node | undefined;
    deepest: Node | undefined;
  } {
    let node: Node | undefined = this.resolve(this.doc.contents ?? undefined);
    let keyNode: Node | undefined;
    let deepest = node;
    for (const segment of path) {
      if (node === undefined) break;
      deepest = node;
      keyNode = undefined;
      let next: Node | undefined;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isScalar(p.key) && String(p.key.value) === String(segment),
        );
        if (pair !== undefined && isScalar(pair.key)) keyNode = pair.key;
        next = pair === undefined ? undefined : this.resolve(pair.value as Node | null);
      } else if (isSeq(node) && typeof segment === "number") {
        next = this.resolve(node.items[segment] as Node | null | undefined);
      }
      node = next;
    }
    if (node !== undefined) deepest = node;
    return { node, keyNode, deepest };
  }

  private resolve(node: Node | null | undefined): Node | undefined {
    if (node === null || node === undefined) return undefined;
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? undefined;
    return node;
  }
}
