/**
 * The bench's generated bodies must be what the benchmarks claim: deterministic, exactly the
 * requested size, valid for their content type (JSON parses; form pairs stay under the
 * decoder's default field limit, so the whole body is decoded), and free of anything the
 * built-in signatures would call an attack is NOT asserted here (that is a property of the
 * signatures; the bench reports match counts instead).
 */
import { describe, expect, it } from "vitest";
import { BODY_KINDS, benignBodies, benignBody } from "../../bench/harness/benign-bodies.js";

const SIZES = [1024, 8 * 1024, 256 * 1024];

describe("benign bodies", () => {
  it.each(BODY_KINDS)("%s bodies have exactly the requested size", (kind) => {
    for (const size of SIZES) expect(benignBody(kind, size, 3).length).toBe(size);
  });

  it.each(BODY_KINDS)("%s bodies depend only on the seed", (kind) => {
    expect(benignBody(kind, 4096, 5).equals(benignBody(kind, 4096, 5))).toBe(true);
    expect(benignBody(kind, 4096, 5).equals(benignBody(kind, 4096, 6))).toBe(false);
  });

  it("json bodies are one valid document each", () => {
    for (const size of SIZES) {
      const doc = JSON.parse(benignBody("json", size, 9).toString("utf8")) as {
        records: unknown[];
      };
      expect(Array.isArray(doc.records)).toBe(true);
    }
  });

  it("form bodies are name=value pairs under the decoder's 1000-field limit", () => {
    const pairs = benignBody("form", 256 * 1024, 2)
      .toString("latin1")
      .split("&");
    expect(pairs.length).toBeLessThan(1000);
    for (const pair of pairs) expect(pair).toMatch(/^[a-z_0-9]+=[^=&]*$/);
  });

  it("benignBodies lays bodies end to end with seeds 1..count", () => {
    const all = benignBodies("raw", 2048, 3);
    expect(all.subarray(2048, 4096).equals(benignBody("raw", 2048, 2))).toBe(true);
  });
});
