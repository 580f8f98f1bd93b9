/**
 * The one runner for the client address vectors (test/fixtures/events/client-address.json).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clientAddress } from "../../src/exchange/client-address.js";

interface Vector {
  readonly name: string;
  readonly forwardedFor: string[];
  readonly sourceAddress?: string;
  readonly trustedHops: number;
  readonly expected: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL("../fixtures/events/client-address.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };

describe("client address", () => {
  it.each(vectors)("$name", (v) => {
    expect(clientAddress(v.forwardedFor, v.sourceAddress, v.trustedHops)).toBe(v.expected);
  });
});
