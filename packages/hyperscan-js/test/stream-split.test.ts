// Split invariance (DESIGN.md I2): a stream-mode database must report the same matches however
// the data is cut into chunks. One runner over test/fixtures/split-cases.json; the reference is
// a block-mode scan of the whole data, so no result is hard-coded.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Database, type ExpressionSpec, MatchBuffer, type Stream } from "../src/index.js";
import { bytes, type FoundMatch, matchesOf, sorted } from "./helpers.js";

interface SplitCase {
  readonly name: string;
  readonly expressions: readonly ExpressionSpec[];
  readonly data: string;
  readonly expectedIds: readonly number[];
}

const cases = JSON.parse(
  readFileSync(new URL("./fixtures/split-cases.json", import.meta.url), "utf8"),
) as SplitCase[];

function scanChunks(stream: Stream, chunks: readonly Uint8Array[], into: MatchBuffer): void {
  for (const chunk of chunks) stream.scan(chunk, into);
  stream.close(into);
}

function streamMatches(database: Database, chunks: readonly Uint8Array[]): FoundMatch[] {
  const into = new MatchBuffer(256);
  scanChunks(database.openStream(), chunks, into);
  expect(into.dropped).toBe(0);
  return sorted(matchesOf(into));
}

describe.each(cases)("split invariance: $name", (splitCase) => {
  const data = bytes(splitCase.data);
  const block = Database.compile(splitCase.expressions, "block");
  const stream = Database.compile(splitCase.expressions, "stream");
  const reference = new MatchBuffer(256);
  block.scan(data, reference);
  const expected = sorted(matchesOf(reference));

  it("finds every expected expression in one block scan", () => {
    expect(new Set(expected.map((m) => m.id))).toEqual(new Set(splitCase.expectedIds));
  });

  it("matches the block scan when the data is one chunk", () => {
    expect(streamMatches(stream, [data])).toEqual(expected);
  });

  it("matches the block scan at every two-chunk split offset", () => {
    for (let offset = 0; offset <= data.length; offset++) {
      const chunks = [data.subarray(0, offset), data.subarray(offset)];
      expect(streamMatches(stream, chunks), `split at ${offset}`).toEqual(expected);
    }
  });

  it("matches the block scan for every chunk size from 1 to the data length", () => {
    for (let size = 1; size <= data.length; size++) {
      const chunks: Uint8Array[] = [];
      for (let start = 0; start < data.length; start += size) {
        chunks.push(data.subarray(start, start + size));
      }
      expect(streamMatches(stream, chunks), `chunk size ${size}`).toEqual(expected);
    }
  });
});
