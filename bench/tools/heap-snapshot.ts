/**
 * Reads a V8 heap snapshot (v8.writeHeapSnapshot) and sums the objects' own sizes by kind and
 * constructor name, so two snapshots can be compared: what N held streams added, per stream,
 * and which constructors it went to. A snapshot is a JSON document with the nodes as one flat
 * array of numbers (its `meta.node_fields` say which), names as indexes into `strings`.
 */
import { readFileSync } from "node:fs";

export interface HeapGroup {
  readonly count: number;
  readonly bytes: number;
}

interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[];
      readonly node_types: readonly [readonly string[], ...unknown[]];
    };
  };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

/** "kind:name" → count and self size, over every node of the snapshot file. */
export function heapGroups(path: string): Map<string, HeapGroup> {
  const data = JSON.parse(readFileSync(path, "utf8")) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const kinds = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const groups = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < data.nodes.length; i += width) {
    const kind = kinds[data.nodes[i + typeAt] ?? 0] ?? "?";
    const rawName = data.strings[data.nodes[i + nameAt] ?? 0] ?? "?";
    // Strings and numbers are named by their content: group them by kind only.
    const name = kind === "object" || kind === "closure" || kind === "native" ? rawName : "";
    const key = `${kind}:${name.slice(0, 60)}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += data.nodes[i + sizeAt] ?? 0;
    groups.set(key, group);
  }
  return groups;
}

/** The groups that grew from `before` to `after`, largest growth first. */
export function heapGrowth(
  before: ReadonlyMap<string, HeapGroup>,
  after: ReadonlyMap<string, HeapGroup>,
): { readonly key: string; readonly count: number; readonly bytes: number }[] {
  const out: { key: string; count: number; bytes: number }[] = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { count: 0, bytes: 0 };
    if (a.bytes > b.bytes) out.push({ key, count: a.count - b.count, bytes: a.bytes - b.bytes });
  }
  return out.sort((x, y) => y.bytes - x.bytes);
}
