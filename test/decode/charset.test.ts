/**
 * Walks test/fixtures/decode/charset/*.json: declared charsets (Content-Type, the
 * x-up-devcap-post-charset side header, `_charset_` fields) through selectBodyDecoder with the
 * charset policy on, whole and at every chunking. Then the transcoders against the platform's
 * decoders (TextDecoder for windows-1252 and UTF-16, Buffer's latin1) on seeded random bytes at
 * random cuts.
 */
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { type CharsetOptions, CharsetPolicy, knownCharset } from "../../src/decode/charset.js";
import { transcoderFor } from "../../src/decode/charset-transcode.js";
import { selectBodyDecoder } from "../../src/decode/content-type.js";
import type { AnomalyKind, FieldTarget } from "../../src/decode/types.js";
import { type ByteSpec, bytesOf } from "./support/bytes.js";
import { fixtureFiles, loadFixture } from "./support/fixtures.js";
import { Prng } from "./support/prng.js";
import { expectedFields, RecordingSink } from "./support/recording-sink.js";
import { expectSameForEverySplit } from "./support/splits.js";

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
          expect(whole.fields).toEqual(expectedFields(vector.fields));
        } else {
          expect(whole.fields.length).toBe(vector.fieldCount);
        }
        expect(whole.anomalies).toEqual(vector.anomalies);
        expectSameForEverySplit(input, title, whole, (chunks) => run(vector, chunks));
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

/** The transcoder's output for the chunks, pushed in order and flushed. */
function transcodeAt(charset: string, chunks: readonly Uint8Array[]): Buffer {
  const transcoder = transcoderFor(charset);
  if (transcoder === undefined) throw new Error(`${charset} needs a transcoder`);
  const out: Buffer[] = [];
  const emit = (view: Uint8Array): void => {
    out.push(Buffer.from(view));
  };
  for (const chunk of chunks) transcoder.push(chunk, emit);
  transcoder.flush(emit);
  return Buffer.concat(out);
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

  it("shift_jis (iconv-lite): 2000 random inputs at random cuts give the whole-body text", () => {
    const rng = new Prng(0x515);
    const charset = knownCharset("shift_jis");
    if (charset === undefined) throw new Error("shift_jis");
    for (let n = 0; n < 2000; n++) {
      const bytes = randomBytes(rng);
      const expected = Buffer.from(iconv.decode(Buffer.from(bytes), "shift_jis"), "utf8");
      const actual = transcodeAt(charset, randomChunks(rng, bytes));
      if (!actual.equals(expected)) {
        expect(actual.toString("hex"), Buffer.from(bytes).toString("hex")).toBe(
          expected.toString("hex"),
        );
      }
    }
  });

  it("utf-7: 2000 random texts at random cuts agree with iconv-lite on the whole text", () => {
    const rng = new Prng(0x757);
    const pieces = ["+", "-", "+-", "A", "Cc", "AD0", "/", "a", " ", "2D", "+2D3eAA-", "'", "x"];
    for (let n = 0; n < 2000; n++) {
      let text = "";
      for (let k = rng.int(16); k > 0; k--) text += rng.pick(pieces);
      const bytes = Buffer.from(text, "latin1");
      const expected = Buffer.from(iconv.decode(bytes, "utf-7"), "utf8");
      const actual = transcodeAt("utf-7", randomChunks(rng, bytes));
      if (!actual.equals(expected)) expect(actual.toString(), text).toBe(expected.toString());
    }
  });

  it("utf-8 and us-ascii pass through untouched", () => {
    expect(transcoderFor("utf-8")).toBeUndefined();
    expect(transcoderFor("us-ascii")).toBeUndefined();
  });
});

describe("charset policy setup", () => {
  it("refuses to allow a charset weir cannot decode", () => {
    expect(() => new CharsetPolicy({ allow: ["utf-8", "ebcdic-fr"] })).toThrow(
      /cannot decode "ebcdic-fr"/,
    );
  });

  it("knows EBCDIC pages by their IBM spellings and iconv-lite charsets by exact label", () => {
    for (const label of ["ibm037", "IBM037", "cp037", "ibm-037", "ebcdic-cp-us", "IBM01140"]) {
      expect(knownCharset(label), label).toMatch(/^ibm(037|1140)$/);
    }
    expect(knownCharset("shift_jis")).toBe("iconv:shift_jis");
    expect(knownCharset("SJIS")).toBe("iconv:sjis");
    const policy = new CharsetPolicy({ allow: ["utf-8", "shift_jis"] });
    expect(policy.allows("Shift_JIS")).toBe("iconv:shift_jis");
    expect(policy.allows("sjis")).toBeUndefined();
  });

  it("never lets iconv-lite stand in for the curated labels or read non-charsets", () => {
    // iconv-lite would map these onto UTF-8, Latin-1 or binary codecs after stripping
    // punctuation; weir only knows UTF-8 and Latin-1 by their listed aliases.
    for (const label of [
      "utf_8",
      "u.t.f.8",
      "UTF8 ",
      "latin-1",
      "binary",
      "base64",
      "hex",
      "ucs2",
    ]) {
      expect(knownCharset(label), label).toBeUndefined();
    }
    expect(knownCharset("utf-8, utf-7")).toBeUndefined();
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
