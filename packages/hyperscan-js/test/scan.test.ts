// Scanning: block scans append to a MatchBuffer, overflow is counted, streams report
// end-of-data matches at close() and reset(), and reset restarts offsets.
import { describe, expect, it } from "vitest";
import { Database, MatchBuffer } from "../src/index.js";
import { bytes, matchesOf } from "./helpers.js";

describe("block scan", () => {
  const database = Database.compile(
    [
      { pattern: "select", id: 100, flags: ["caseless"] },
      { pattern: "from\\s+\\w+", id: 200, flags: ["somLeftmost"] },
    ],
    "block",
  );

  it("reports ids and end offsets of every expression", () => {
    const into = new MatchBuffer();
    expect(database.scan(bytes("SELECT a from users"), into)).toBe(into.count);
    const found = matchesOf(into);
    expect(found[0]).toEqual({ id: 100, from: 0, to: 6 });
    // \w+ reports each end offset: "from u", "from us", ... "from users"
    expect(found.slice(1)).toEqual(
      [14, 15, 16, 17, 18].map((to) => ({ id: 200, from: 9, to: to + 1 })),
    );
  });

  it("appends after the buffer's current count and returns only what it appended", () => {
    const into = new MatchBuffer();
    expect(database.scan(bytes("select"), into)).toBe(1);
    expect(database.scan(bytes("xx select"), into)).toBe(1);
    expect(matchesOf(into)).toEqual([
      { id: 100, from: 0, to: 6 },
      { id: 100, from: 0, to: 9 },
    ]);
  });

  it("appends nothing and leaves the buffer alone when nothing matches", () => {
    const into = new MatchBuffer(4);
    expect(database.scan(bytes("nothing to see"), into)).toBe(0);
    expect(database.scan(new Uint8Array(0), into)).toBe(0);
    expect(into.count).toBe(0);
    expect(into.dropped).toBe(0);
  });

  it("scans a subarray in place, with offsets relative to the subarray", () => {
    const whole = bytes("select|select");
    const into = new MatchBuffer();
    database.scan(whole.subarray(7), into);
    expect(matchesOf(into)).toEqual([{ id: 100, from: 0, to: 6 }]);
  });

  it("accepts a Node Buffer", () => {
    const into = new MatchBuffer();
    expect(database.scan(Buffer.from("select"), into)).toBe(1);
  });
});

describe("MatchBuffer", () => {
  const database = Database.compile([{ pattern: "a", id: 1 }], "block");

  it("counts matches that arrive while full as dropped and keeps scanning", () => {
    const into = new MatchBuffer(4);
    expect(database.scan(bytes("aaaaaaaaaa"), into)).toBe(4);
    expect(into.count).toBe(4);
    expect(into.dropped).toBe(6);
    expect(Array.from(into.to)).toEqual([1, 2, 3, 4]);
    expect(database.scan(bytes("aa"), into)).toBe(0);
    expect(into.dropped).toBe(8);
  });

  it("clear() resets count and dropped so the next scan writes from slot 0", () => {
    const into = new MatchBuffer(2);
    database.scan(bytes("aaa"), into);
    into.clear();
    expect(into.count).toBe(0);
    expect(into.dropped).toBe(0);
    database.scan(bytes("xa"), into);
    expect(matchesOf(into)).toEqual([{ id: 1, from: 0, to: 2 }]);
  });

  it("has typed views of its capacity and rejects a bad count", () => {
    const into = new MatchBuffer(3);
    expect(into.capacity).toBe(3);
    expect(into.ids).toHaveLength(3);
    expect(into.from).toHaveLength(3);
    expect(into.to).toHaveLength(3);
    expect(new MatchBuffer().capacity).toBe(1024);
    expect(() => {
      into.count = 4;
    }).toThrow(/count/);
    expect(() => new MatchBuffer(-1)).toThrow(/capacity/);
  });

  it("with capacity 0 only counts", () => {
    const into = new MatchBuffer(0);
    expect(database.scan(bytes("aaa"), into)).toBe(0);
    expect(into.dropped).toBe(3);
  });
});

describe("stream end of data", () => {
  const database = Database.compile(
    [
      { pattern: "foo$", id: 1 },
      { pattern: "bar", id: 2 },
    ],
    "stream",
  );

  it("reports a $-anchored match at close(), not during scan", () => {
    const into = new MatchBuffer();
    const stream = database.openStream();
    expect(stream.scan(bytes("xx"), into)).toBe(0);
    expect(stream.scan(bytes("foo"), into)).toBe(0);
    expect(stream.isOpen).toBe(true);
    expect(stream.close(into)).toBe(1);
    expect(stream.isOpen).toBe(false);
    expect(matchesOf(into)).toEqual([{ id: 1, from: 0, to: 5 }]);
  });

  it("close() without a buffer reports nothing, and close() is idempotent", () => {
    const into = new MatchBuffer();
    const stream = database.openStream();
    stream.scan(bytes("foo"), into);
    expect(stream.close()).toBe(0);
    expect(stream.close(into)).toBe(0);
    expect(into.count).toBe(0);
  });

  it("reset() reports end-of-data matches and restarts offsets at 0", () => {
    const into = new MatchBuffer();
    const stream = database.openStream();
    stream.scan(bytes("barxxfoo"), into);
    expect(stream.reset(into)).toBe(1);
    expect(matchesOf(into)).toEqual([
      { id: 2, from: 0, to: 3 },
      { id: 1, from: 0, to: 8 },
    ]);
    into.clear();
    stream.scan(bytes("bar"), into);
    stream.scan(bytes("foo"), into);
    stream.close(into);
    expect(matchesOf(into)).toEqual([
      { id: 2, from: 0, to: 3 },
      { id: 1, from: 0, to: 6 },
    ]);
  });

  it("reset() without a buffer discards end-of-data matches and still restarts offsets", () => {
    const into = new MatchBuffer();
    const stream = database.openStream();
    stream.scan(bytes("xxfoo"), into);
    expect(stream.reset()).toBe(0);
    expect(into.count).toBe(0);
    stream.scan(bytes("bar"), into);
    stream.close(into);
    expect(matchesOf(into)).toEqual([{ id: 2, from: 0, to: 3 }]);
  });

  it("reset() lets a singlematch expression match again", () => {
    const single = Database.compile([{ pattern: "ab", id: 9, flags: ["singlematch"] }], "stream");
    const into = new MatchBuffer();
    const stream = single.openStream();
    stream.scan(bytes("ab ab"), into);
    stream.scan(bytes(" ab"), into);
    expect(into.count).toBe(1);
    stream.reset(into);
    stream.scan(bytes("ab"), into);
    stream.close(into);
    expect(matchesOf(into)).toEqual([
      { id: 9, from: 0, to: 2 },
      { id: 9, from: 0, to: 2 },
    ]);
  });

  it("reports stream-absolute offsets beyond 2^32 exactly", () => {
    const into = new MatchBuffer();
    const stream = database.openStream();
    const chunk = new Uint8Array(64 << 20); // zeros: Hyperscan skips them quickly
    const chunks = 65; // 65 * 64 MiB = 4.0625 GiB > 2^32
    for (let i = 0; i < chunks; i++) stream.scan(chunk, into);
    stream.scan(bytes("bar"), into);
    stream.close(into);
    const to = chunks * chunk.length + 3;
    expect(to).toBeGreaterThan(2 ** 32);
    expect(matchesOf(into)).toEqual([{ id: 2, from: 0, to }]);
  }, 60_000);
});
