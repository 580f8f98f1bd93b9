// A reload loads and compiles its signature set in a worker thread, into the database cache:
// the serving thread then finds every database in the cache and compiles nothing itself.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileEngine } from "../../src/inspect/engine.js";
import { warmDatabaseCache } from "../../src/reload/warm-cache.js";
import { directoryCache } from "../../src/signatures/database-cache.js";

const SIGNATURES = fileURLToPath(new URL("../fixtures/config/signatures", import.meta.url));

describe("warmDatabaseCache", () => {
  it("loads the set in a worker and leaves every database in the cache for the serving thread", async () => {
    const warmed = await warmDatabaseCache([SIGNATURES], 2, undefined);
    try {
      expect(warmed.set.unusable).toBeUndefined();
      expect(warmed.set.report.loaded.map((l) => l.id)).toEqual([111500, 111501]);
      expect(warmed.cacheErrors).toEqual([]);
      const engine = compileEngine(warmed.set.signatures, {
        paranoia: 2,
        cache: directoryCache(warmed.cacheDir),
      });
      const databases = engine.compiled.groups.reduce(
        (n, g) => n + (g.block === undefined ? 0 : 1) + (g.stream === undefined ? 0 : 1),
        0,
      );
      expect(databases).toBeGreaterThan(0);
      expect(engine.compiled.cached).toBe(databases);
      engine.retire();
    } finally {
      await warmed.cleanup();
    }
    expect(existsSync(warmed.cacheDir)).toBe(false);
  });

  it("hands back an unusable set without compiling it", async () => {
    const warmed = await warmDatabaseCache(["/nonexistent/weir-signatures"], 1, undefined);
    await warmed.cleanup();
    expect(warmed.set.unusable).toContain("cannot read the signatures directory");
  });
});
