import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRequestFile, RequestFileError } from "../../src/cli/http-request-file.js";

interface Vector {
  name: string;
  raw: string;
  method?: string;
  target?: string;
  headers?: [string, string][];
  body?: string;
  error?: string;
}
const { vectors } = JSON.parse(
  readFileSync(new URL("../fixtures/cli/request-files.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };
const utf8 = new TextDecoder();

describe("parseRequestFile", () => {
  for (const v of vectors) {
    const bytes = new TextEncoder().encode(v.raw);
    if (v.error !== undefined) {
      const fragment = v.error;
      it(`refuses ${v.name}`, () => {
        expect(() => parseRequestFile(bytes)).toThrow(RequestFileError);
        expect(() => parseRequestFile(bytes)).toThrow(fragment);
      });
      continue;
    }
    it(`reads ${v.name}`, () => {
      const request = parseRequestFile(bytes);
      expect(request.method).toBe(v.method);
      expect(request.target).toBe(v.target);
      expect(request.headers.map((h) => [h.key, utf8.decode(h.value)])).toEqual(v.headers);
      expect(utf8.decode(request.body)).toBe(v.body);
    });
  }
});
