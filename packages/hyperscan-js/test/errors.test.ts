// Errors: wrong mode, use after close, database close with open streams, and the loader's
// explanations of a failed load.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Database, HyperscanError, MatchBuffer } from "../src/index.js";
import { addonPath } from "../src/load-addon.js";
import { explainLoadFailure } from "../src/load-failure.js";
import { bytes, matchesOf } from "./helpers.js";

function thrown(run: () => unknown): HyperscanError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof HyperscanError) return error;
    throw error;
  }
  throw new Error("expected a HyperscanError");
}

describe("mode errors", () => {
  const block = Database.compile([{ pattern: "abc", id: 1 }], "block");
  const stream = Database.compile([{ pattern: "abc", id: 1 }], "stream");

  it("scan() on a stream database throws HS_DB_MODE_ERROR", () => {
    const error = thrown(() => stream.scan(bytes("abc"), new MatchBuffer()));
    expect(error.code).toBe("HS_DB_MODE_ERROR");
    expect(error.message).toContain("openStream");
  });

  it("openStream() on a block database throws HS_DB_MODE_ERROR", () => {
    expect(thrown(() => block.openStream()).code).toBe("HS_DB_MODE_ERROR");
  });

  it("reports each database's mode and sizes", () => {
    expect(block.mode).toBe("block");
    expect(stream.mode).toBe("stream");
    expect(block.sizeBytes).toBeGreaterThan(0);
    expect(block.streamSizeBytes).toBe(0);
    expect(stream.streamSizeBytes).toBeGreaterThan(0);
    expect(block.info()).toMatch(/Mode: BLOCK/);
    expect(stream.info()).toMatch(/Mode: STREAM/);
  });

  it("an unknown mode or SOM horizon is HS_INVALID", () => {
    const badMode = "vectored" as "block";
    expect(thrown(() => Database.compile([{ pattern: "a", id: 1 }], badMode)).code).toBe(
      "HS_INVALID",
    );
    const badHorizon = { somHorizon: "huge" as "large" };
    expect(
      thrown(() => Database.compile([{ pattern: "a", id: 1 }], "stream", badHorizon)).code,
    ).toBe("HS_INVALID");
  });
});

describe("closed databases and streams", () => {
  it("a closed database throws CLOSED for scan, openStream, serialize and info", () => {
    const block = Database.compile([{ pattern: "abc", id: 1 }], "block");
    const stream = Database.compile([{ pattern: "abc", id: 1 }], "stream");
    block.close();
    stream.close();
    block.close(); // idempotent
    expect(thrown(() => block.scan(bytes("abc"), new MatchBuffer())).code).toBe("CLOSED");
    expect(thrown(() => stream.openStream()).code).toBe("CLOSED");
    expect(thrown(() => block.serialize()).code).toBe("CLOSED");
    expect(thrown(() => block.info()).code).toBe("CLOSED");
  });

  it("a closed stream throws CLOSED for scan and reset", () => {
    const database = Database.compile([{ pattern: "abc", id: 1 }], "stream");
    const stream = database.openStream();
    stream.close();
    expect(thrown(() => stream.scan(bytes("abc"), new MatchBuffer())).code).toBe("CLOSED");
    expect(thrown(() => stream.reset()).code).toBe("CLOSED");
  });

  it("closing a database keeps its open streams working until they close", () => {
    const database = Database.compile([{ pattern: "abc$", id: 1 }], "stream");
    const into = new MatchBuffer();
    const stream = database.openStream();
    stream.scan(bytes("xa"), into);
    database.close();
    // Churn the allocator so a premature free of the database or scratch would show up.
    for (let i = 0; i < 50; i++) {
      Database.compile([{ pattern: `q${i}z+`, id: i }], "stream").close();
    }
    stream.scan(bytes("bc"), into);
    expect(stream.close(into)).toBe(1);
    expect(matchesOf(into)).toEqual([{ id: 1, from: 0, to: 4 }]);
  });
});

describe("argument errors", () => {
  const database = Database.compile([{ pattern: "abc", id: 1 }], "block");

  it("rejects data that is not a Uint8Array with a TypeError", () => {
    const notBytes = [1, 2, 3] as unknown as Uint8Array;
    expect(() => database.scan(notBytes, new MatchBuffer())).toThrow(TypeError);
  });

  it("MatchBuffer refuses counts the native side could not append after", () => {
    const into = new MatchBuffer(2);
    for (const bad of [-1, 1.5, Number.NaN, 3]) {
      expect(() => {
        into.count = bad;
      }).toThrow(/count/);
    }
    expect(() => {
      into.dropped = -1;
    }).toThrow(/dropped/);
    into.count = 2;
    expect(database.scan(bytes("abc"), into)).toBe(0);
    expect(into.dropped).toBe(1);
  });
});

describe("loader diagnostics", () => {
  const scratchDir = mkdtempSync(join(tmpdir(), "hyperscan-js-loader-"));
  afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));
  const require = createRequire(import.meta.url);

  function loadError(path: string): unknown {
    try {
      require(path);
    } catch (error: unknown) {
      return error;
    }
    throw new Error(`expected loading ${path} to fail`);
  }

  it("says the addon is not built, and how to build it, when the .node file is missing", () => {
    const missing = join(scratchDir, "build", "Release", "hyperscan.node");
    const message = explainLoadFailure(loadError(missing), missing);
    expect(message).toContain("addon not built");
    expect(message).toContain("npm rebuild hyperscan-js");
    expect(message).toContain("libvectorscan-dev");
  });

  it("names the missing libhs and the Debian package when the library cannot be found", () => {
    // A copy of the real addon whose DT_NEEDED entry names a libhs soname that does not exist.
    const image = readFileSync(addonPath);
    const needed = Buffer.from("libhs.so.5");
    expect(image.indexOf(needed)).toBeGreaterThan(0);
    const patched = Buffer.from(image);
    for (let at = patched.indexOf(needed); at >= 0; at = patched.indexOf(needed, at + 1)) {
      patched.write("libhs.so.0", at, "latin1");
    }
    const copy = join(scratchDir, "patched.node");
    writeFileSync(copy, patched);
    const message = explainLoadFailure(loadError(copy), copy);
    expect(message).toContain("libhs.so.0 not found");
    expect(message).toContain("libvectorscan");
    expect(message).toContain("npm rebuild hyperscan-js");
  });

  it("says the addon was built for another platform when the file is not a shared object", () => {
    const bogus = join(scratchDir, "bogus.node");
    copyFileSync(new URL(import.meta.url), bogus);
    const message = explainLoadFailure(loadError(bogus), bogus);
    expect(message).toContain("built for another platform");
    expect(message).toContain("npm rebuild hyperscan-js");
  });
});
