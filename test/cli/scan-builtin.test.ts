// The one CLI test on the real loader and engine: loads and compiles the built-in signature
// set once through engine-wiring (as `weir serve` and `weir scan` do) and decides a few
// clear-cut requests. Slow (a full compile), so everything shares one engine.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type CompiledSignatureSet,
  compileSignatureSet,
  type LoadedSignatureSet,
  loadSignatureSet,
} from "../../src/cli/engine-wiring.js";
import { parseRequestFile } from "../../src/cli/http-request-file.js";
import { scanRequest } from "../../src/cli/scan.js";
import { BUILTIN_SIGNATURES_DIR } from "../../src/config/package-paths.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";

interface Vector {
  name: string;
  raw: string;
  decision: "allow" | "detect" | "block";
}
const { vectors } = JSON.parse(
  readFileSync(new URL("../fixtures/cli/scan-requests.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };

let set: LoadedSignatureSet;
let compiled: CompiledSignatureSet;
beforeAll(async () => {
  set = await loadSignatureSet(BUILTIN_SIGNATURES_DIR, 1);
  compiled = await compileSignatureSet(set, 1);
}, 300_000);

describe("the built-in signature set through the CLI's wiring", () => {
  it("loads and compiles with nothing failed, and counts what it compiled", () => {
    expect(set.counts.failed).toBe(0);
    expect(compiled.counts.failed).toBe(0);
    expect(compiled.counts.loaded).toBeGreaterThan(0);
    expect(compiled.counts.loaded).toBe(compiled.engine.info.signatures);
    expect(compiled.engine.info.hash).toBe(set.report.hash);
  });

  for (const v of vectors) {
    it(`decides ${v.decision} for ${v.name}`, async () => {
      const request = parseRequestFile(new TextEncoder().encode(v.raw));
      expect((await scanRequest(compiled.engine, request, DEFAULT_POLICY)).kind).toBe(v.decision);
    });
  }
});
