/**
 * The built-in signature set as data: it loads without a single failure, covers every attack
 * family, and every signature's own samples give the right verdict in real Hyperscan (one test
 * per signature, generated from the files).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSignatures } from "../../src/signatures/load.js";
import { runSignatureSamples } from "../../src/signatures/sample-test.js";

const BUILT_IN = fileURLToPath(new URL("../../signatures", import.meta.url));
const ATTACK_FAMILIES = [
  "sqli",
  "xss",
  "rce",
  "lfi",
  "rfi",
  "ssrf",
  "ssti",
  "nosqli",
  "xxe",
  "deserialization",
  "jndi",
  "scanner",
] as const;

const { signatures, report } = await loadSignatures(BUILT_IN);

describe("built-in signature set", () => {
  it("loads with no failed signature", () => {
    expect(report.failed.flatMap((f) => f.errors)).toEqual([]);
    expect(report.skipped).toEqual([]);
  });

  it("has at least 100 signatures", () => {
    expect(signatures.length).toBeGreaterThanOrEqual(100);
  });

  it.each(ATTACK_FAMILIES)("covers the %s family at paranoia 1", (family) => {
    expect(signatures.some((s) => s.family === family && s.paranoia === 1)).toBe(true);
  });
});

describe("signature samples in Hyperscan", () => {
  it.each(signatures.map((s) => [`${s.id} ${s.family} ${s.name}: samples`, s] as const))(
    "%s",
    (_, sig) => {
      const result = runSignatureSamples(sig);
      expect(result.failures.map((f) => f.message)).toEqual([]);
      expect(result.passed).toBe(sig.samples.match.length + sig.samples.nomatch.length);
    },
  );
});
