/**
 * The one runner for the excerpt masking vectors (test/fixtures/events/masking.json).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Target } from "../../src/inspect/types.js";
import { isCardNumber, MAX_EXCERPT_CHARS, maskExcerpt } from "../../src/log/excerpt.js";

interface Vector {
  readonly name: string;
  readonly target: Target;
  readonly field: string;
  readonly text: string;
  readonly expected: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL("../fixtures/events/masking.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };

describe("excerpt masking", () => {
  it.each(vectors)("$name", (v) => {
    const shown = maskExcerpt(new TextEncoder().encode(v.text), v.target, v.field);
    expect(shown).toBe(v.expected);
    expect(shown.length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
  });

  it("checks card numbers with Luhn", () => {
    expect(isCardNumber("4111111111111111")).toBe(true);
    expect(isCardNumber("4111111111111112")).toBe(false);
    expect(isCardNumber("411111111111")).toBe(false);
  });

  it("shows invalid UTF-8 as replacement characters, never as raw bytes", () => {
    const shown = maskExcerpt(Uint8Array.of(0x3c, 0xff, 0xfe, 0x3e), "args", "q");
    expect(shown).toBe("<\uFFFD\uFFFD>");
  });
});
