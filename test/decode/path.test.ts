/** Walks test/fixtures/decode/path.json: `:path` values and their normalised REQUEST_FILENAME. */
import { describe, expect, it } from "vitest";
import { normalizePath } from "../../src/decode/path.js";
import { type ByteSpec, bytesOf, show } from "./support/bytes.js";
import { loadFixture } from "./support/fixtures.js";

interface PathVector {
  readonly name: string;
  readonly source?: string;
  readonly input: ByteSpec;
  readonly expected: ByteSpec;
}

describe("path normalisation", () => {
  for (const vector of loadFixture<PathVector[]>("path.json")) {
    const title = vector.source ? `${vector.name} [${vector.source}]` : vector.name;
    it(title, () => {
      const input = bytesOf(vector.input);
      const copy = input.slice();
      const result = normalizePath(input);
      expect(show(result)).toBe(show(bytesOf(vector.expected)));
      expect(Buffer.from(input).equals(copy)).toBe(true);
      // Normalising is idempotent unless the result still holds escapes (never decoded twice)
      // or a decoded `?` (which a second pass would read as the start of a query).
      if (!result.includes(0x25) && !result.includes(0x3f)) {
        expect(show(normalizePath(result))).toBe(show(result));
      }
    });
  }
});
