// bench/tools/cpu-profile.ts reads `node --cpu-prof` output: self time per area (weir's folders,
// packages, Node internals, GC), idle excluded. Checked on a small profile in the same format.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { summarise } from "../../bench/tools/cpu-profile.js";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/bench/cpu-profile.json", import.meta.url), "utf8"),
) as { profile: Parameters<typeof summarise>[0]; expected: Record<string, number> };

describe("CPU profile summary", () => {
  it("adds self time per area, without idle time", () => {
    const { totalMs, byArea } = summarise(fixture.profile);
    expect(Object.fromEntries(byArea)).toEqual(fixture.expected);
    expect(totalMs).toBeCloseTo(
      Object.values(fixture.expected).reduce((a, b) => a + b, 0),
      6,
    );
  });

  it("names each function with its file and 1-based line", () => {
    const { byFunction } = summarise(fixture.profile);
    expect(byFunction.get("scan hyperscan-js/dist/database.js:117")).toBeUndefined();
    expect(byFunction.get("scan dist/database.js:117")).toBe(3);
    expect(byFunction.get("drain inspect/match-collector.js:41")).toBe(0.5);
  });
});
