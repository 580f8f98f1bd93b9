// Fails when src/gen/ is not exactly what `buf generate` produces from proto/ today: a
// proto was edited without regenerating, or a generated file was edited by hand. It
// regenerates into a temporary folder (never touching src/gen) and compares file by file.
// Run by `npm run check`; fix a failure with `npm run generate`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "weir-gen-"));
try {
  const problem = check();
  if (problem === null) {
    console.log("check-generated: src/gen matches what buf generates from proto/");
  } else {
    console.error(`check-generated: ${problem}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** Returns null when src/gen is current, else what is wrong. */
function check() {
  const bin = join(root, "node_modules/.bin");
  const run = spawnSync("buf", ["generate", "--output", scratch], {
    cwd: root,
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
    encoding: "utf8",
  });
  if (run.error !== undefined || run.status !== 0) {
    return `\`buf generate\` failed (run npm ci first?): ${run.error?.message ?? run.stderr.trim()}`;
  }
  const fresh = join(scratch, "src/gen");
  const committed = join(root, "src/gen");
  const want = listFiles(fresh);
  const have = listFiles(committed);
  if (want.size === 0) return "`buf generate` produced no files under src/gen; check buf.gen.yaml";
  const stale = [];
  for (const file of want) {
    if (!have.has(file)) stale.push(`${file} (missing)`);
    else if (!readFileSync(join(fresh, file)).equals(readFileSync(join(committed, file)))) {
      stale.push(`${file} (differs from what buf generates)`);
    }
  }
  for (const file of have) if (!want.has(file)) stale.push(`${file} (not generated from proto/)`);
  if (stale.length === 0) return null;
  const list = stale.sort().map((s) => `  src/gen/${s}`);
  return ["src/gen is stale; run `npm run generate` and commit:", ...list].join("\n");
}

/** Paths of all files under `dir`, relative to it, with / separators (empty if absent). */
function listFiles(dir) {
  const out = new Set();
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.add(relative(dir, path).split("\\").join("/"));
    }
  };
  try {
    walk(dir);
  } catch (error) {
    if (error?.code !== "ENOENT") throw error;
  }
  return out;
}
