// Memory: a million stream open/scan/close cycles must not grow resident memory, and streams
// dropped without close() must be freed by the native finalizer when collected.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { Database, MatchBuffer } from "../src/index.js";
import { addon } from "../src/load-addon.js";
import { bytes } from "./helpers.js";

const MiB = 1024 * 1024;

/** global.gc when node runs with --expose-gc; else the same function obtained through V8 flags. */
function obtainGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return () => exposed();
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    if (typeof gc === "function") return () => gc();
  } catch {
    // fall through: no way to force a collection in this runtime
  }
  return undefined;
}

const gc = obtainGc();

const database = Database.compile(
  [
    { pattern: "union\\s+select", id: 1, flags: ["caseless"] },
    { pattern: "<script", id: 2 },
    { pattern: "passwd$", id: 3 },
  ],
  "stream",
);
const chunk = bytes("q=1 UNION SELECT x FROM t <script> /etc/passwd");
const MATCHES_PER_CYCLE = 3; // two while scanning, one ($) at close

function cycles(count: number, into: MatchBuffer): number {
  let matches = 0;
  for (let i = 0; i < count; i++) {
    const stream = database.openStream();
    matches += stream.scan(chunk, into);
    matches += stream.close(into);
    into.clear();
  }
  return matches;
}

function residentAfterGc(): number {
  gc?.();
  return process.memoryUsage().rss;
}

describe("stream memory", () => {
  it("1,000,000 open/scan/close cycles do not grow resident memory", () => {
    const into = new MatchBuffer(16);
    const liveBefore = addon.liveStreamCount();
    const warmUp = 50_000;
    const total = 1_000_000;

    expect(cycles(warmUp, into)).toBe(warmUp * MATCHES_PER_CYCLE);
    const rssAfterWarmUp = residentAfterGc();
    expect(cycles(total - warmUp, into)).toBe((total - warmUp) * MATCHES_PER_CYCLE);
    const rssAtEnd = residentAfterGc();

    const growth = rssAtEnd - rssAfterWarmUp;
    console.info(
      `hyperscan-js 1M cycles: rss after ${warmUp} warm-up cycles ${(rssAfterWarmUp / MiB).toFixed(1)} MiB, ` +
        `after ${total} cycles ${(rssAtEnd / MiB).toFixed(1)} MiB, growth ${(growth / MiB).toFixed(2)} MiB ` +
        `(gc ${gc === undefined ? "not available" : "forced"})`,
    );
    expect(addon.liveStreamCount()).toBe(liveBefore);
    expect(growth).toBeLessThan(4 * MiB);
  }, 120_000);

  it("streams dropped without close() are freed when collected", async (context) => {
    if (gc === undefined) {
      context.skip("cannot force a garbage collection (no --expose-gc, V8 flags refused)");
      return;
    }
    const liveBefore = addon.liveStreamCount();
    const perRound = 100_000;
    const into = new MatchBuffer(4);
    let rssAfterFirstRound = 0;
    for (let round = 0; round < 5; round++) {
      let peak = 0;
      for (let i = 0; i < perRound; i++) {
        database.openStream().scan(chunk, into); // never closed
        into.clear();
        if ((i & 1023) === 0) peak = Math.max(peak, addon.liveStreamCount());
      }
      peak = Math.max(peak, addon.liveStreamCount());
      expect(peak, `round ${round}: unclosed streams were alive`).toBeGreaterThan(liveBefore);

      for (let attempt = 0; attempt < 50 && addon.liveStreamCount() > liveBefore; attempt++) {
        gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(addon.liveStreamCount(), `round ${round}: streams left after collection`).toBe(
        liveBefore,
      );
      if (round === 0) rssAfterFirstRound = residentAfterGc();
    }
    const growth = residentAfterGc() - rssAfterFirstRound;
    console.info(
      `hyperscan-js unclosed streams: ${5 * perRound} dropped, all freed; rss growth after round 1 ${(growth / MiB).toFixed(2)} MiB`,
    );
    expect(growth).toBeLessThan(8 * MiB);
  }, 120_000);
});
