import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatListen, ListenSyntaxError, parseListen } from "../../src/config/listen.js";

interface Vector {
  input: string;
  ok?: { host: string; port: number };
  error?: string;
}
const { vectors } = JSON.parse(
  readFileSync(new URL("../fixtures/config/listen.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };

describe("parseListen", () => {
  for (const v of vectors) {
    if (v.ok !== undefined) {
      const ok = v.ok;
      it(`reads ${v.input} as host ${ok.host}, port ${ok.port}`, () => {
        expect(parseListen(v.input)).toEqual(ok);
      });
    } else {
      it(`refuses ${v.input}: ${v.error}`, () => {
        expect(() => parseListen(v.input)).toThrow(ListenSyntaxError);
        expect(() => parseListen(v.input)).toThrow(v.error ?? "");
      });
    }
  }
});

describe("formatListen", () => {
  for (const v of vectors) {
    if (v.ok === undefined) continue;
    const ok = v.ok;
    it(`writes ${v.input} back so that it parses to the same address`, () => {
      expect(parseListen(formatListen(ok))).toEqual(ok);
    });
  }
});
