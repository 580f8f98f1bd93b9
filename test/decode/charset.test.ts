/**
 * Walks test/fixtures/decode/charset/*.json: declared charsets (Content-Type, the
 * x-up-devcap-post-charset side header, `_charset_` fields) through selectBodyDecoder with the
 * charset policy on, whole and at every chunking. Then the transcoders against the platform's
 * decoders (TextDecoder for windows-1252 and UTF-16, Buffer's latin1) on seeded random bytes at
 * random cuts.
 */
import { describe, expect, it } from "vitest";
import { type CharsetOptions, CharsetPolicy, knownCharset } from "../../src/decode/charset.js";
import { transcoderFor } from "../../src/decode/charset-transcode.js";
import { selectBodyDecoder } from "../../src/decode/content-type.js";
import type { AnomalyKind, FieldTarget } from "../../src/decode/types.js";
import { type ByteSpec, bytesOf, show, textOf } from "./support/bytes.js";
import { fixtureFiles, loadFixture } from "./support/fixtures.js";
import { Prng } from "./support/prng.js";
import { RecordingSink } from "./support/recording-sink.js";
import { chunkings } from "./support/splits.js";

interface CharsetVector {
  readonly name: string;
  readonly source?: string;
  readonly options?: CharsetOptions;
  readonly contentType: string;
  readonly postCharset?: string;
  readonly input: ByteSpec;
  readonly fields?: readonly [FieldTarget, ByteSpec, ByteSpec][];
  readonly fieldCount?: number;
  readonly anomalies: readonly [AnomalyKind, string][];
}

function run(vector: CharsetVector, chunks: readonly Uint8Array[]) {
  const sink = new RecordingSink();
  const headers = vector.postCharset === undefined ? {} : { postCharset: vector.postCharset };
  const decoder = selectBodyDecoder(
    vector.contentType,
    sink,
    { charset: vector.options ?? {}, multipart: {}, sniff: {} },
    headers,
  );
  for (const chunk of chunks) decoder?.write(chunk);
  decoder?.end();
  sink.assertClosed();
  return { fields: sink.fields, anomalies: sink.anomalies.map(([kind, code]) => [kind, code]) };
}

for (const file of fixtureFiles("charset")) {
  const fixture = loadFixture<{ vectors: CharsetVector[] }>(`charset/${file}`);
  describe(`charset (${file})`, () => {
    for (const vector of fixture.vectors) {
      const title = vector.source ? `${vector.name} [${vector.source}]` : vector.name;
      it(title, () => {
        const input = bytesOf(vector.input);
        const whole = run(vector, [input]);
        if (vector.fields !== undefined) {
          const expected = vector.fields.map(([target, name, value]) => [
            target,
            textOf(name),
            show(bytesOf(value)),
          ]);
          expect(whole.fields).toEqual(expected);
        } else {
          expect(whole.fields.length).toBe(vector.fieldCount);
        }
        expect(whole.anomalies).toEqual(vector.anomalies);
        const expected = JSON.stringify(whole);
        for (const { label, chunks } of chunkings(input, title)) {
          const split = run(vector, chunks);
          if (JSON.stringify(split) !== expected) {
            expect(split, `split-invariance broken (${label})`).toEqual(whole);
          }
        }
      });
    }
  });
}

function randomChunks(rng: Prng, bytes: Uint8Array): Uint8Array[] {
  const cuts = Array.from({ length: rng.int(8) }, () => rng.int(bytes.length + 1)).sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(bytes.slice(from, cut));
    from = cut;
  }
  chunks.push(bytes.slice(from));
  return chunks;
}

/** WHATWG index-windows-1252 for 0x80-0x9F, written as the characters themselves. */
const CP1252_C1 = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

function windows1252(b: number): number {
  return b >= 0x80 && b < 0xa0 ? (CP1252_C1.codePointAt(b - 0x80) as number) : b;
}

/** Random bytes biased towards the interesting ones (surrogates, C1 range, ASCII). */
function randomBytes(rng: Prng): Uint8Array {
  const bytes = new Uint8Array(rng.int(64));
  for (let k = 0; k < bytes.length; k++) {
    bytes[k] = rng.pick([rng.int(256), rng.int(128), 0xd8 + rng.int(8), 0x80 + rng.int(32), 0]);
  }
  return bytes;
}

describe("transcoders against the platform decoders", () => {
  const references: [string, (bytes: Uint8Array) => string][] = [
    ["iso-8859-1", (bytes) => Buffer.from(bytes).toString("latin1")],
    // Node 20's TextDecoder decodes windows-1252 as latin1, so the WHATWG index is spelled here.
    ["windows-1252", (bytes) => String.fromCodePoint(...[...bytes].map(windows1252))],
    ["utf-16le", (bytes) => new TextDecoder("utf-16le").decode(bytes)],
    ["utf-16be", (bytes) => new TextDecoder("utf-16be").decode(bytes)],
  ];
  for (const [charset, reference] of references) {
    it(`${charset}: 2000 random inputs at random cuts`, () => {
      const rng = new Prng(0xc5 + charset.length);
      const known = knownCharset(charset);
      if (known === undefined) throw new Error(charset);
      for (let n = 0; n < 2000; n++) {
        const bytes = randomBytes(rng);
        const transcoder = transcoderFor(known);
        if (transcoder === undefined) throw new Error(`${charset} needs a transcoder`);
        const out: Buffer[] = [];
        const emit = (view: Uint8Array): void => {
          out.push(Buffer.from(view));
        };
        for (const chunk of randomChunks(rng, bytes)) transcoder.push(chunk, emit);
        transcoder.flush(emit);
        const expected = Buffer.from(reference(bytes), "utf8");
        const actual = Buffer.concat(out);
        if (!actual.equals(expected)) {
          expect(actual.toString("hex"), Buffer.from(bytes).toString("hex")).toBe(
            expected.toString("hex"),
          );
        }
      }
    });
  }

  it("utf-8 and us-ascii pass through untouched", () => {
    expect(transcoderFor("utf-8")).toBeUndefined();
    expect(transcoderFor("us-ascii")).toBeUndefined();
  });
});

describe("charset policy setup", () => {
  it("refuses to allow a charset weir cannot decode", () => {
    expect(() => new CharsetPolicy({ allow: ["utf-8", "ibm037"] })).toThrow(
      /cannot decode "ibm037"/,
    );
  });

  it("compares whole values, not substrings", () => {
    const policy = new CharsetPolicy();
    expect(policy.allows("utf-8")).toBe("utf-8");
    expect(policy.allows("UTF-8")).toBe("utf-8");
    expect(policy.allows("utf-8, utf-7")).toBeUndefined();
    expect(policy.allows("utf-8 ")).toBeUndefined();
    expect(policy.allows("x-utf-8")).toBeUndefined();
  });
});
