/**
 * Redaction is independent of chunking (DESIGN I2), checked with fast-check: generated bodies
 * full of secrets, near misses, digit and base64 runs are cut into 1 to 8 chunks at random
 * offsets; the forwarded bytes must equal an independent whole-body reference (reference.ts)
 * and the counted occurrences must equal those of the uncut body. Run on the narrow test set
 * (a hold-back of a few bytes: releases and straddling matches everywhere) and on the built-in
 * leakage set (a 4 KiB hold-back, bodies past 64 KiB pieces).
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { closeCompiled } from "../../src/signatures/compile.js";
import { ReferenceRedactor } from "./reference.js";
import { BUILT_IN_LEAKAGE, cut, loadLeakSet, NARROW, runScanner } from "./scanner-run.js";

const narrow = await loadLeakSet(NARROW);
const builtIn = await loadLeakSet(BUILT_IN_LEAKAGE);
const narrowReference = new ReferenceRedactor(narrow.signatures, narrow.set.options);
const builtInReference = new ReferenceRedactor(builtIn.signatures, builtIn.set.options);
afterAll(() => {
  narrowReference.close();
  builtInReference.close();
  closeCompiled(narrow.compiled);
  closeCompiled(builtIn.compiled);
});

const NARROW_WORDS = [
  "SECRET-12AB",
  "SECRET-DEADBEEF",
  "SECRET-1",
  "SECRET-",
  "K1234",
  "K999999",
  "K12",
  "XK1234",
  "pw=hunter",
  "pw=ab",
  "pw=",
  "4111111111111111",
  "4111111111111112",
  "5500000000000004",
  // The widest matches (19 digits and a word boundary; 15 bytes): what the hold-back is for.
  "4111111111111111110",
  "5500000000000000004",
  "SECRET-DEADBEEF",
  "pw=abcdefghijkl",
  "#4111111111111111#",
  " ",
  "-",
  "=",
  "\n",
  "x",
];

const BUILT_IN_WORDS = [
  "4111111111111111",
  "4111 1111 1111 1111",
  "4111111111111112",
  "378282246310005",
  "AKIAIOSFODNN7EXAMPLE",
  "AKIAIOSFODNN7EXAMPL",
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  '"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
  "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R",
  "glpat-xY7kq2Lm9Rt4Vw1Zb3Nc",
  "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
  "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx",
  "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
  '"private_key_id": "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c"',
  "-----BEGIN RSA PRIVATE KEY-----\n",
  // The widest match of the set: the longest header and 4096 bytes of key material.
  `-----BEGIN ENCRYPTED PRIVATE KEY-----${"MIIE".repeat(1100)}`,
  "-----BEGIN PRIVATE KEY-----\\n",
  "-----END RSA PRIVATE KEY-----\n",
  "Traceback (most recent call last):",
  " ",
  "\n",
  '"',
  ",",
];

const filler = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9 =#/+"\\-]{0,24}$/),
  fc
    .tuple(fc.constantFrom("0", "4", "A", "Zm9v", "ab1", " x"), fc.integer({ min: 1, max: 200 }))
    .map(([unit, times]) => unit.repeat(times)),
);

function bodyOf(words: readonly string[], maxParts: number) {
  return fc
    .array(fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...words) }, filler), {
      maxLength: maxParts,
    })
    .map((parts) => Buffer.from(parts.join(""), "utf8"));
}

/** A body and 0 to 7 cut offsets inside it. */
function cutBody(words: readonly string[], maxParts: number) {
  return bodyOf(words, maxParts).chain((body) =>
    fc.tuple(fc.constant(body), fc.array(fc.nat({ max: body.length }), { maxLength: 7 })),
  );
}

describe("redaction is independent of chunking", () => {
  it("on the narrow set: output equals the reference for every cut into 1 to 8 chunks", () => {
    fc.assert(
      fc.property(cutBody(NARROW_WORDS, 80), ([body, offsets]) => {
        const whole = runScanner(narrow.set, [body]);
        const run = runScanner(narrow.set, cut(body, offsets));
        expect(Buffer.from(run.output)).toEqual(Buffer.from(narrowReference.redact(body)));
        expect(run.occurrences).toEqual(whole.occurrences);
        expect(run.maskedBytes).toBe(whole.maskedBytes);
        expect(run.findings).toEqual(whole.findings);
        expect(run.late).toBe(0);
        expect(run.maxHeld).toBeLessThanOrEqual(narrow.set.rewriteWidth);
      }),
      { numRuns: 400 },
    );
  });

  it("on the built-in set: output equals the reference for every cut into 1 to 8 chunks", () => {
    fc.assert(
      fc.property(cutBody(BUILT_IN_WORDS, 120), ([body, offsets]) => {
        const whole = runScanner(builtIn.set, [body]);
        const run = runScanner(builtIn.set, cut(body, offsets));
        expect(Buffer.from(run.output)).toEqual(Buffer.from(builtInReference.redact(body)));
        expect(run.occurrences).toEqual(whole.occurrences);
        expect(run.maskedBytes).toBe(whole.maskedBytes);
        expect(run.late).toBe(0);
        expect(run.maxHeld).toBeLessThanOrEqual(builtIn.set.rewriteWidth);
      }),
      { numRuns: 150 },
    );
  });

  it("holds back a bounded tail of a body many times its width, across 64 KiB pieces", () => {
    // 300 KiB of digits and base64 (the worst case: candidates everywhere), secrets at the
    // piece boundaries, in one chunk and in uneven chunks.
    const parts: string[] = [];
    let length = 0;
    let round = 0;
    while (length < 300 * 1024) {
      const part =
        round % 3 === 0
          ? "4".repeat(997)
          : round % 3 === 1
            ? "Zm9vYmFy".repeat(131)
            : " 4111111111111111 AKIAIOSFODNN7EXAMPLE -----BEGIN RSA PRIVATE KEY-----\nMIIE";
      parts.push(part);
      length += part.length;
      round++;
    }
    const body = Buffer.from(parts.join(""), "utf8");
    const reference = Buffer.from(builtInReference.redact(body));
    for (const offsets of [[], [65535, 65536 * 2 + 1], [1, 4096, 70000, 200000, 299999]]) {
      const run = runScanner(builtIn.set, cut(body, offsets));
      expect(Buffer.from(run.output).equals(reference)).toBe(true);
      expect(run.maxHeld).toBeLessThanOrEqual(builtIn.set.rewriteWidth);
      expect(run.late).toBe(0);
    }
  });
});
