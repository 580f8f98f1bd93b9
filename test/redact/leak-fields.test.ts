/**
 * The data-leak signature fields beyond the loader's error fixtures
 * (test/fixtures/signatures/bad/leak-*.yaml): what a valid file loads to, what the sample
 * runner says about validated and redacting signatures, the Luhn check on its vectors
 * (test/fixtures/redact/luhn.json) and the redaction settings' errors.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { redactionOptions } from "../../src/redact/options.js";
import { luhnValid } from "../../src/redact/validators.js";
import { loadSignatureFiles } from "../../src/signatures/load.js";
import { runSignatureSamples } from "../../src/signatures/sample-test.js";
import type { Signature } from "../../src/signatures/types.js";
import { NARROW } from "./scanner-run.js";

const LUHN = JSON.parse(
  readFileSync(new URL("../fixtures/redact/luhn.json", import.meta.url), "utf8"),
) as { valid: string[]; invalid: string[] };

describe("leak fields in a signature file", () => {
  it("load as validate, redact and redactAfter", async () => {
    const { signatures, report } = await loadSignatureFiles([NARROW]);
    expect(report.failed).toEqual([]);
    const byId = new Map(signatures.map((s) => [s.id, s]));
    expect(byId.get(113500)).toMatchObject({ redact: "token" });
    expect(byId.get(113500)?.validate).toBeUndefined();
    expect(byId.get(113502)).toMatchObject({ redact: "default", redactAfter: "=" });
    expect(byId.get(113503)).toMatchObject({ validate: "luhn", redact: "mask" });
    expect(byId.get(113504)).toMatchObject({ validate: "luhn" });
    expect(byId.get(113504)?.redact).toBeUndefined();
  });
});

function signature(overrides: Partial<Signature>): Signature {
  return {
    id: 113600,
    name: "test",
    family: "leakage",
    severity: "critical",
    paranoia: 1,
    targets: [{ target: "response_body" }],
    transforms: [],
    pattern: "x",
    flags: [],
    tags: [],
    samples: { match: [], nomatch: [] },
    source: { file: "test.yaml", line: 3 },
    ...overrides,
  };
}

describe("sample runner on leak signatures", () => {
  it("counts a validated sample as a match only when some occurrence passes the check", () => {
    const result = runSignatureSamples(
      signature({
        pattern: "\\b[0-9]{13,19}\\b",
        validate: "luhn",
        samples: {
          match: ["4111111111111112 then 4111111111111111", "4111111111111112"],
          nomatch: ["4111111111111112", "4111111111111111"],
        },
      }),
    );
    expect(result.failures.map((f) => f.message)).toEqual([
      'test.yaml:3: signature 113600: samples.match[1] "4111111111111112" did not match',
      'test.yaml:3: signature 113600: samples.nomatch[1] "4111111111111111" matched but must not',
    ]);
    expect(result.passed).toBe(2);
  });

  it("reports a match whose redact_after leaves nothing to replace", () => {
    const result = runSignatureSamples(
      signature({
        pattern: "pw=[a-z]{3}=",
        redact: "mask",
        redactAfter: "=",
        samples: { match: ["pw=abc=", "pw=xyz="], nomatch: ["pw=ab=", "pw="] },
      }),
    );
    expect(result.failures.map((f) => f.message)).toEqual([
      'test.yaml:3: signature 113600: samples.match[0] "pw=abc=" matched, but redact_after leaves nothing to redact',
      'test.yaml:3: signature 113600: samples.match[1] "pw=xyz=" matched, but redact_after leaves nothing to redact',
    ]);
  });
});

describe("Luhn check", () => {
  it.each(LUHN.valid)("accepts %j", (value) => {
    const bytes = Buffer.from(value);
    expect(luhnValid(bytes, 0, bytes.length)).toBe(true);
  });
  it.each(LUHN.invalid)("refuses %j", (value) => {
    const bytes = Buffer.from(value);
    expect(luhnValid(bytes, 0, bytes.length)).toBe(false);
  });
  it("reads only the given range", () => {
    const bytes = Buffer.from("94111111111111111");
    expect(luhnValid(bytes, 0, bytes.length)).toBe(false);
    expect(luhnValid(bytes, 1, bytes.length)).toBe(true);
  });
});

describe("redaction settings", () => {
  it("default to a * mask and a [REDACTED] token", () => {
    const options = redactionOptions();
    expect(options.defaultStyle).toBe("mask");
    expect(String.fromCharCode(options.mask)).toBe("*");
    expect(Buffer.from(options.token).toString()).toBe("[REDACTED]");
  });
  it.each([
    [
      { defaultStyle: "blur" },
      'redaction default style "blur" is not valid: expected mask or token',
    ],
    [{ mask: "**" }, 'redaction mask "**" is not valid: expected one printable ASCII character'],
    [{ mask: "\n" }, 'redaction mask "\\n" is not valid: expected one printable ASCII character'],
    [{ token: "" }, 'redaction token "" is not valid: expected 1 to 64 printable ASCII characters'],
    [
      { token: "ü" },
      'redaction token "ü" is not valid: expected 1 to 64 printable ASCII characters',
    ],
  ])("refuse %j", (settings, message) => {
    expect(() => redactionOptions(settings)).toThrow(message);
  });
});
