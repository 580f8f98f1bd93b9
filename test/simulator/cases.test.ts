import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CaseFormatError,
  type CaseVariant,
  decodeChunk,
  expandMessage,
  loadCaseFile,
  loadCases,
  requestBody,
  runsOf,
} from "./cases.js";

const files = loadCases();

function specBytes(variant: CaseVariant): number {
  let total = 0;
  for (const chunk of variant.request.chunks) {
    if (typeof chunk !== "string") total += chunk.generate.bytes;
    else
      total +=
        variant.request.chunkEncoding === "utf8"
          ? Buffer.byteLength(chunk, "utf8")
          : Buffer.from(chunk, "base64").length;
  }
  return total;
}

describe("shared/cases loader", () => {
  it("finds the case files", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    describe(file.id, () => {
      for (const variant of file.variants) {
        it(`expands "${variant.name}"`, () => {
          const request = expandMessage(variant.request);
          expect(request.chunks).toHaveLength(variant.request.chunks.length);
          expect(Buffer.concat(request.chunks).length).toBe(specBytes(variant));
          expect(request.headers.map(([k]) => k)).toEqual(variant.request.headers.map(([k]) => k));
          if (variant.response !== null) expandMessage(variant.response);
          const [first, ...splits] = Array.from(runsOf(file, variant, { offsets: sample }));
          expect(first?.split).toBeNull();
          const given = first?.exchange.requestChunks ?? [];
          expect(given).toHaveLength(request.chunks.length);
          // Buffer.equals: vitest's deep equality is far too slow on mebibyte arrays.
          expect(
            given.every((c, i) => Buffer.from(c).equals(request.chunks[i] ?? Buffer.alloc(0))),
          ).toBe(true);
          const body = variant.splitEverywhere ? requestBody(variant) : null;
          for (const run of splits) {
            expect(run.exchange.requestChunks).toHaveLength(2);
            expect(run.exchange.requestChunks[0]?.length).toBe(run.split);
            expect(body !== null && Buffer.concat(run.exchange.requestChunks).equals(body)).toBe(
              true,
            );
          }
          if (!variant.splitEverywhere) expect(splits).toHaveLength(0);
        });
      }
    });
  }
});

/** Every offset for small bodies; the ends and the middle for large ones (the test is about shape). */
function sample(length: number): number[] {
  if (length <= 4096) return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  return [1, Math.floor(length / 2), length - 1];
}

describe("split-everywhere", () => {
  it("produces every offset 1..len-1 by default", () => {
    const file = files.find((f) => f.variants.some((v) => v.splitEverywhere));
    const variant = file?.variants.find((v) => v.splitEverywhere);
    if (!file || !variant) throw new Error("no splitEverywhere variant in shared/cases");
    const runs = Array.from(runsOf(file, variant));
    const length = requestBody(variant).length;
    expect(runs.map((r) => r.split)).toEqual([
      null,
      ...Array.from({ length: length - 1 }, (_, i) => i + 1),
    ]);
  });
});

describe("chunk decoding", () => {
  it("repeats a generate pattern and cuts it to the exact size", () => {
    expect(
      Buffer.from(decodeChunk({ generate: { pattern: "abc", bytes: 7 } }, "utf8")).toString(),
    ).toBe("abcabca");
    expect([...decodeChunk({ generate: { pattern: "AAE=", bytes: 5 } }, "base64")]).toEqual([
      0, 1, 0, 1, 0,
    ]);
  });

  it("unescapes JSON into bytes: \\r\\n is CR LF", () => {
    expect([...decodeChunk("a\r\nb", "utf8")]).toEqual([0x61, 0x0d, 0x0a, 0x62]);
  });

  it("rejects base64 that is not standard and padded, saying where", () => {
    expect(() => decodeChunk("abc", "base64", "x.chunks[3]")).toThrow(CaseFormatError);
    expect(() => decodeChunk("ab-_", "base64", "x.chunks[3]")).toThrow(/x\.chunks\[3\]/);
  });
});

describe("case file validation", () => {
  const good = {
    id: "99-sample",
    tag: "protocol",
    summary: "s",
    reference: [],
    variants: [
      {
        name: "v",
        config: {},
        request: {
          headers: [[":method", "GET"]],
          chunks: [],
          chunkEncoding: "utf8",
          trailers: null,
        },
        response: null,
        splitEverywhere: false,
        expect: { verdict: "allow", families: [], status: null, notes: "" },
      },
    ],
  };

  function write(content: unknown, name = "99-sample.json"): string {
    const dir = mkdtempSync(join(tmpdir(), "weir-cases-"));
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  }

  const withVariant = (patch: Record<string, unknown>) => ({
    ...good,
    variants: [{ ...good.variants[0], ...patch }],
  });

  it("accepts a well-formed file", () => {
    expect(loadCaseFile(write(good)).variants).toHaveLength(1);
  });

  it.each([
    [
      "an id that is not the file name",
      { ...good, id: "98-other" },
      /does not match the file name/,
    ],
    [
      "an unknown config key",
      withVariant({ config: { bufferLimit: 1 } }),
      /unknown key "bufferLimit"/,
    ],
    [
      "a bad body mode",
      withVariant({ config: { requestBodyMode: "STREAM" } }),
      /config\.requestBodyMode: invalid value/,
    ],
    [
      "an upper-case header name",
      withVariant({
        request: { ...good.variants[0]?.request, headers: [["Host", "x"]] },
      }),
      /not lower-case/,
    ],
    [
      "base64 without padding",
      withVariant({
        request: { ...good.variants[0]?.request, chunks: ["abc"], chunkEncoding: "base64" },
      }),
      /request\.chunks\[0\]: is not standard padded base64/,
    ],
    [
      "a generate entry without a size",
      withVariant({
        request: { ...good.variants[0]?.request, chunks: [{ generate: { pattern: "a" } }] },
      }),
      /generate\.bytes: must be a non-negative integer/,
    ],
    [
      "a block that is not a 403",
      withVariant({ expect: { verdict: "block", families: ["sqli"], status: 400, notes: "" } }),
      /a block is a 403/,
    ],
    [
      "an unknown family",
      withVariant({ expect: { verdict: "error", families: ["dos"], status: 413, notes: "" } }),
      /unknown family "dos"/,
    ],
  ])("rejects %s, saying where", (_, content, message) => {
    expect(() => loadCaseFile(write(content))).toThrow(message);
  });
});
