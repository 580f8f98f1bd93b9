/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by function and by where the code
 * lives (weir's own folders, grpc-js, protobuf-es, prom-client, Node's internals, the native
 * binding, garbage collection), so "what dominates" can be read off one table.
 *
 *   node --import tsx bench/tools/cpu-profile.ts PROFILE.cpuprofile [--top 30]
 */
import { readFileSync } from "node:fs";
import { parseFlags } from "../load/flags.js";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a function's code lives, coarsely. */
export function area(url: string, name: string): string {
  if (name === "(garbage collector)") return "garbage collection";
  if (name === "(idle)" || name === "(program)") return name;
  if (url === "") return name.startsWith("(") ? name : "native (V8 builtins, N-API calls)";
  if (url.startsWith("node:")) return `node: ${url.slice(5).split("/")[0]}`;
  const inModules = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\//.exec(url);
  if (inModules?.[1] !== undefined) return inModules[1];
  // weir's code: src/<folder> (also when run from the bench's transpiled copy or dist/).
  const source = url.lastIndexOf("/src/");
  if (source >= 0) return `src/${url.slice(source + 5).split("/")[0]}`;
  const ours = /\/(packages|bench)\/([^/]+)\//.exec(url);
  if (ours?.[1] !== undefined && ours[2] !== undefined) return `${ours[1]}/${ours[2]}`;
  return url;
}

export function summarise(profile: Profile): {
  readonly totalMs: number;
  readonly byArea: Map<string, number>;
  readonly byFunction: Map<string, number>;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = area(url, functionName);
    if (where === "(idle)") continue;
    totalMs += ms;
    byArea.set(where, (byArea.get(where) ?? 0) + ms);
    const file = url.split("/").slice(-2).join("/");
    const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  return { totalMs, byArea, byFunction };
}

function table(title: string, rows: Map<string, number>, total: number, top: number): string {
  const sorted = [...rows].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = sorted.map(
    ([key, ms]) =>
      `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${key}`,
  );
  return `${title}\n${lines.join("\n")}\n`;
}

const [path, ...rest] = process.argv.slice(2);
if (path !== undefined && !path.startsWith("--")) {
  const top = Number(parseFlags(rest).get("top") ?? "30");
  const { totalMs, byArea, byFunction } = summarise(
    JSON.parse(readFileSync(path, "utf8")) as Profile,
  );
  process.stdout.write(`busy ${totalMs.toFixed(0)} ms (idle excluded)\n\n`);
  process.stdout.write(table("self time by area:", byArea, totalMs, top));
  process.stdout.write(`\n${table("self time by function:", byFunction, totalMs, top)}`);
}
