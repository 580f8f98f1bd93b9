/**
 * The header-mutation guard: what Envoy would ignore or reject is refused before it is sent, and
 * what is sent uses raw_value only with append=false.
 */
import { describe, expect, it } from "vitest";
import { headerMutation, MAX_MUTATION_ENTRIES } from "../../src/exchange/header-mutation.js";
import { ExchangeError } from "../../src/exchange/protocol-error.js";

const REFUSED_NAMES: [string, RegExp][] = [
  [":path", /pseudo-headers/],
  [":authority", /pseudo-headers/],
  ["host", /host is ignored/],
  ["x-envoy-original-path", /x-envoy-\* is ignored/],
  ["", /empty header name/],
  ["X-Weir-Score", /lower-case RFC 9110 token/],
  ["bad name", /lower-case RFC 9110 token/],
  ["bad:name", /lower-case RFC 9110 token/],
  ["caf\u00e9", /lower-case RFC 9110 token/],
];

const REFUSED_VALUES: [string, RegExp][] = [
  ["a\r\nx-injected: 1", /control character 0x0d at offset 1/],
  ["a\nb", /control character 0x0a/],
  ["nul\u0000", /control character 0x00 at offset 3/],
  ["del\u007f", /control character 0x7f/],
];

function refusal(action: () => unknown): ExchangeError {
  try {
    action();
  } catch (error) {
    if (error instanceof ExchangeError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("header mutation guard", () => {
  it.each(REFUSED_NAMES)("refuses to set header %j", (name, why) => {
    const error = refusal(() => headerMutation([{ name, value: "1" }]));
    expect(error.code).toBe("invalid_header_mutation");
    expect(error.message).toMatch(why);
  });

  it.each(REFUSED_NAMES)("refuses to remove header %j", (name, why) => {
    expect(refusal(() => headerMutation([], [name])).message).toMatch(why);
  });

  it.each(REFUSED_VALUES)("refuses the value %j", (value, why) => {
    expect(refusal(() => headerMutation([{ name: "x-weir-score", value }])).message).toMatch(why);
  });

  it("refuses more set entries than Envoy's header count limit", () => {
    const set = Array.from({ length: MAX_MUTATION_ENTRIES + 1 }, (_, i) => ({
      name: `x-h${i}`,
      value: "1",
    }));
    expect(refusal(() => headerMutation(set)).message).toMatch(/exceeds Envoy's limit of 100/);
    expect(headerMutation(set.slice(1)).setHeaders).toHaveLength(MAX_MUTATION_ENTRIES);
  });

  it("sets raw_value only, append explicitly false, and keeps tabs and UTF-8 in values", () => {
    const m = headerMutation([{ name: "x-weir-note", value: "a\tb \u00e9" }], ["x-weir-score"]);
    expect(m.setHeaders).toHaveLength(1);
    const [option] = m.setHeaders;
    expect(option?.append).toBe(false);
    expect(option?.header?.key).toBe("x-weir-note");
    expect(option?.header?.value).toBe("");
    expect(Buffer.from(option?.header?.rawValue ?? []).toString("utf8")).toBe("a\tb \u00e9");
    expect(m.removeHeaders).toEqual(["x-weir-score"]);
  });
});
