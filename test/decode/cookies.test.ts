/** Walks test/fixtures/decode/cookies.json: `cookie` header values and the pairs they yield. */
import { describe, expect, it } from "vitest";
import { type CookieOptions, parseCookies } from "../../src/decode/cookies.js";
import { type ByteSpec, bytesOf, show } from "./support/bytes.js";
import { loadFixture } from "./support/fixtures.js";

interface CookieVector {
  readonly name: string;
  readonly options?: CookieOptions;
  readonly input: string;
  readonly expected: readonly [ByteSpec, ByteSpec][];
}

describe("cookies", () => {
  for (const vector of loadFixture<CookieVector[]>("cookies.json")) {
    it(vector.name, () => {
      const expected = vector.expected.map(([name, value]) => [
        show(bytesOf(name)),
        show(bytesOf(value)),
      ]);
      const fromString = parseCookies(vector.input, vector.options);
      const fromBytes = parseCookies(bytesOf(vector.input), vector.options);
      expect(fromString.map((c) => [show(c.name), show(c.value)])).toEqual(expected);
      expect(fromBytes.map((c) => [show(c.name), show(c.value)])).toEqual(expected);
    });
  }
});
