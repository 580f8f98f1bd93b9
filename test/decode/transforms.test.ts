/**
 * Walks test/fixtures/decode/transforms/<name>.json: vectors {name, input, expected} for each
 * registered CRS transform. Each vector also runs at every chunking (split-invariance), and
 * twice through one instance to check that flush() ends a value and resets the carry.
 */
import { describe, expect, it } from "vitest";
import { createTransform, isTransformName, TRANSFORMS } from "../../src/decode/transforms/index.js";
import type { Transform } from "../../src/decode/types.js";
import { type ByteSpec, bytesOf, show } from "./support/bytes.js";
import { fixtureFiles, loadFixture } from "./support/fixtures.js";
import { chunkings } from "./support/splits.js";

interface TransformVector {
  readonly name: string;
  readonly input: ByteSpec;
  readonly expected: ByteSpec;
}

/** Pushes the chunks and flushes; returns the output and checks the input was not changed. */
function runValue(transform: Transform, chunks: readonly Uint8Array[]): string {
  const parts: Uint8Array[] = [];
  const emit = (bytes: Uint8Array): void => {
    if (bytes.length === 0) throw new Error("emit with no bytes");
    parts.push(bytes.slice());
  };
  for (const chunk of chunks) {
    const copy = chunk.slice();
    transform.push(chunk, emit);
    if (!Buffer.from(chunk).equals(copy)) throw new Error("transform changed its input");
  }
  transform.flush(emit);
  return show(Buffer.concat(parts));
}

const files = fixtureFiles("transforms");

describe("transform registry", () => {
  it("has a vector file for every registered transform and no file without one", () => {
    expect(files.map((file) => file.replace(/\.json$/, "")).sort()).toEqual(
      [...TRANSFORMS.keys()].sort(),
    );
  });

  it("refuses an unknown name and says which names it knows", () => {
    expect(isTransformName("sha1")).toBe(false);
    expect(() => createTransform("sha1")).toThrow(/unknown transform "sha1".*lowercase/);
  });
});

for (const file of files) {
  const transformName = file.replace(/\.json$/, "");
  const vectors = loadFixture<TransformVector[]>(`transforms/${file}`);
  describe(`t:${transformName}`, () => {
    for (const vector of vectors) {
      it(vector.name, () => {
        const input = bytesOf(vector.input);
        const expected = show(bytesOf(vector.expected));
        const whole = runValue(createTransform(transformName), [input]);
        expect(whole).toBe(expected);

        // flush() resets: the same instance gives the same output for the next value.
        const reused = createTransform(transformName);
        runValue(reused, [input]);
        expect(runValue(reused, [input])).toBe(expected);

        for (const { label, chunks } of chunkings(input, `${transformName} ${vector.name}`)) {
          const split = runValue(createTransform(transformName), chunks);
          if (split !== expected)
            expect(split, `split-invariance broken (${label})`).toBe(expected);
        }
      });
    }
  });
}
