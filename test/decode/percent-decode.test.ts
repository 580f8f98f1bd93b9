/**
 * Walks test/fixtures/decode/percent-decode.json: the streaming percent decoder in its three
 * modes (path, form, unicode), with the count of invalid escapes, at every chunking; and the
 * one-shot helper agrees with the streaming decoder.
 */
import { describe, expect, it } from "vitest";
import {
  FORM_MODE,
  PATH_MODE,
  type PercentDecodeOptions,
  PercentDecoder,
  percentDecodeBytes,
} from "../../src/decode/percent-decode.js";
import { type ByteSpec, bytesOf, show } from "./support/bytes.js";
import { loadFixture } from "./support/fixtures.js";
import { chunkings } from "./support/splits.js";

interface PercentVector {
  readonly name: string;
  readonly mode: "path" | "form" | "unicode";
  readonly input: ByteSpec;
  readonly expected: ByteSpec;
  readonly invalidEscapes: number;
}

const MODES: Record<PercentVector["mode"], PercentDecodeOptions> = {
  path: PATH_MODE,
  form: FORM_MODE,
  unicode: { plusAsSpace: true, percentU: true },
};

function decode(options: PercentDecodeOptions, chunks: readonly Uint8Array[]) {
  const decoder = new PercentDecoder(options);
  const parts: Uint8Array[] = [];
  const emit = (bytes: Uint8Array): void => {
    parts.push(bytes.slice());
  };
  for (const chunk of chunks) {
    decoder.push(chunk, emit);
    decoder.drain(emit);
  }
  decoder.flush(emit);
  return { output: show(Buffer.concat(parts)), invalidEscapes: decoder.invalidEscapes };
}

describe("percent-decode", () => {
  for (const vector of loadFixture<PercentVector[]>("percent-decode.json")) {
    it(`${vector.mode}: ${vector.name}`, () => {
      const input = bytesOf(vector.input);
      const options = MODES[vector.mode];
      const expected = {
        output: show(bytesOf(vector.expected)),
        invalidEscapes: vector.invalidEscapes,
      };
      expect(decode(options, [input])).toEqual(expected);

      const once = percentDecodeBytes(input, options);
      expect({ output: show(once.bytes), invalidEscapes: once.invalidEscapes }).toEqual(expected);

      for (const { label, chunks } of chunkings(input, vector.name)) {
        const split = decode(options, chunks);
        if (JSON.stringify(split) !== JSON.stringify(expected)) {
          expect(split, `split-invariance broken (${label})`).toEqual(expected);
        }
      }
    });
  }
});
