/**
 * Prepares what the benchmarks run: the C baseline, compiled with the system libhs, and a
 * JavaScript copy of src/ and bench/ in bench/.cache/build/. The servers and the load client
 * run from that copy as plain `node` processes, so no TypeScript loader thread inflates their
 * memory or CPU figures. The copy is transpiled with esbuild (tsx's own dependency), without
 * type checking: `npm run typecheck` does that. package.json and signatures/ are linked next to
 * it so src/config/package-paths.ts resolves as it does from dist/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { BUILD, CACHE, pathOf, REPO } from "./paths.js";

export const BASELINE_BINARY = new URL("hs-stream-baseline", CACHE);

export function buildNativeBaseline(): string {
  const source = new URL("bench/native/hs-stream-baseline.c", REPO);
  const binary = pathOf(BASELINE_BINARY);
  mkdirSync(pathOf(CACHE), { recursive: true });
  if (existsSync(binary) && statSync(binary).mtimeMs > statSync(source).mtimeMs) return binary;
  const flags = execFileSync("pkg-config", ["--cflags", "--libs", "libhs"], { encoding: "utf8" })
    .trim()
    .split(/\s+/)
    .filter((f) => f.length > 0);
  execFileSync("cc", ["-O2", "-Wall", "-Wextra", "-o", binary, pathOf(source), ...flags], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  return binary;
}

function typeScriptFiles(dir: URL, skip: (relative: string) => boolean): string[] {
  const root = pathOf(dir);
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !skip(f))
    .map((f) => `${root}${f}`);
}

export async function buildJavaScript(): Promise<URL> {
  const { build } = await import("esbuild");
  const out = pathOf(BUILD);
  rmSync(out, { recursive: true, force: true });
  const entryPoints = [
    ...typeScriptFiles(new URL("src/", REPO), () => false),
    ...typeScriptFiles(new URL("bench/", REPO), (f) => f.startsWith(".cache")),
  ];
  await build({
    entryPoints,
    outdir: out,
    outbase: pathOf(REPO),
    format: "esm",
    platform: "node",
    target: "node20",
    bundle: false,
    logLevel: "warning",
  });
  for (const name of ["package.json", "signatures"]) {
    symlinkSync(pathOf(new URL(name, REPO)), pathOf(new URL(name, BUILD)));
  }
  return BUILD;
}
