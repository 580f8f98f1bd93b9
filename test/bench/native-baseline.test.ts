/**
 * The C baseline (bench/native/hs-stream-baseline.c) must scan what weir's side scans: the
 * same serialized stream database, bodies cut by size, each body chunked the same way, one
 * stream per body. Checked by counting matches of a pattern placed across chunk and body
 * boundaries, against hyperscan-js streams fed the same chunks.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database, MatchBuffer } from "hyperscan-js";
import { afterAll, describe, expect, it } from "vitest";
import { buildNativeBaseline } from "../../bench/harness/build.js";

const BODY = 1000;
const BODIES = 4;
const dir = mkdtempSync(join(tmpdir(), "weir-bench-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function data(): Buffer {
  const bytes = Buffer.alloc(BODY * BODIES, "x");
  // "needle" at the start, across offset 7/14 boundaries, at the end, and across two bodies.
  for (const at of [0, 5, 12, 300, 994, 1997, 2500, 3994]) bytes.write("needle", at, "latin1");
  return bytes;
}

function countWithHyperscanJs(db: Database, bytes: Buffer, chunk: number): number {
  const matches = new MatchBuffer(1024);
  let count = 0;
  for (let body = 0; body < bytes.length; body += BODY) {
    const stream = db.openStream();
    for (let off = 0; off < BODY; off += chunk) {
      count += stream.scan(bytes.subarray(body + off, body + Math.min(off + chunk, BODY)), matches);
      matches.clear();
    }
    count += stream.close(matches);
    matches.clear();
  }
  return count;
}

describe("hs-stream-baseline", () => {
  it.each([1, 7, 64, 1000])(
    "counts the same matches as hyperscan-js with %i-byte chunks",
    (chunk) => {
      const binary = buildNativeBaseline();
      const db = Database.compile([{ pattern: "needle", id: 0 }], "stream");
      const dbPath = join(dir, "db.hsdb");
      const dataPath = join(dir, "data.bin");
      writeFileSync(dbPath, db.serialize());
      const bytes = data();
      writeFileSync(dataPath, bytes);
      const out = execFileSync(binary, [dataPath, String(BODY), String(chunk), "0", "60", dbPath], {
        encoding: "utf8",
      });
      const result = JSON.parse(out) as { bytes: number; matches: number; databases: number };
      expect(result.bytes).toBe(BODY * BODIES);
      expect(result.databases).toBe(1);
      const expected = countWithHyperscanJs(db, bytes, chunk);
      expect(expected).toBeGreaterThan(0);
      expect(result.matches).toBe(expected);
      db.close();
    },
  );
});
