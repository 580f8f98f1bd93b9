/**
 * Invariant I2 as a property, for every streaming decoder and transform: decoding any split of
 * an input into 1 to 8 chunks (empty chunks included) gives the same result as decoding it
 * whole: the same fields, anomalies (with their details) or output bytes. One runner over a
 * table of subjects; fast-check generates the inputs (pieces that matter to each format mixed
 * with raw bytes) and the cut points, from a fixed seed per subject so a run is repeatable and
 * a failure prints its counterexample. Cookies are the one subject whose "chunks" are not body
 * chunks: HTTP/2 crumbles a cookie header at `; `, and the crumbs must give the cookies the
 * whole header gives.
 */
import zlib from "node:zlib";
import fc from "fast-check";
import { describe, it } from "vitest";
import { knownCharset } from "../../src/decode/charset.js";
import { transcoderFor } from "../../src/decode/charset-transcode.js";
import { selectBodyDecoder } from "../../src/decode/content-type.js";
import { parseCookies } from "../../src/decode/cookies.js";
import { FormUrlencodedDecoder } from "../../src/decode/form-urlencoded.js";
import { createContentDecoding } from "../../src/decode/inflate.js";
import { JsonDecoder } from "../../src/decode/json.js";
import { MultipartDecoder } from "../../src/decode/multipart.js";
import { NestedValueSink } from "../../src/decode/nested-values.js";
import { FORM_MODE, PercentDecoder } from "../../src/decode/percent-decode.js";
import { createTransform, TRANSFORMS } from "../../src/decode/transforms/index.js";
import type { BodyDecoder, FieldSink, Transform } from "../../src/decode/types.js";
import { XmlTokenizer } from "../../src/decode/xml-tokenizer.js";
import { randomJson } from "./support/json-gen.js";
import { randomMultipart } from "./support/multipart-gen.js";
import { Prng, seedOf } from "./support/prng.js";
import { RecordingSink } from "./support/recording-sink.js";
import { randomXml } from "./support/xml-gen.js";

const encoder = new TextEncoder();
const RUNS = 500;

interface Subject {
  readonly name: string;
  readonly input: fc.Arbitrary<Uint8Array>;
  /** The decoder's result for the chunks, as something JSON.stringify compares. */
  readonly decode: (chunks: readonly Uint8Array[]) => unknown;
  /** How cut points split the input (default: at those byte offsets). */
  readonly split?: (input: Uint8Array, cuts: readonly number[]) => Uint8Array[];
  readonly runs?: number;
}

/** Text made of format-relevant pieces, or (one time in four) arbitrary bytes. */
function textOf(pieces: readonly string[], maxPieces = 24): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .array(fc.constantFrom(...pieces), { maxLength: maxPieces })
        .map((parts) => encoder.encode(parts.join(""))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 96 }) },
  );
}

/** Documents from a seeded generator (support/*-gen.ts), with a piece-based fallback. */
function generated(make: (rng: Prng) => Uint8Array, pieces: readonly string[]) {
  return fc.oneof(
    { weight: 2, arbitrary: fc.integer().map((seed) => make(new Prng(seed))) },
    { weight: 1, arbitrary: textOf(pieces) },
  );
}

function atOffsets(input: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = cuts.map((c) => c % (input.length + 1)).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(input.slice(start, point));
    start = point;
  }
  chunks.push(input.slice(start));
  return chunks;
}

/** Fields and anomalies of a body decoder fed the chunks. */
function fields(make: (sink: FieldSink) => BodyDecoder | undefined) {
  return (chunks: readonly Uint8Array[]) => {
    const sink = new RecordingSink();
    const decoder = make(sink);
    for (const chunk of chunks) decoder?.write(chunk);
    decoder?.end();
    sink.assertClosed();
    return { fields: sink.fields, anomalies: sink.anomalies };
  };
}

/** Output bytes (hex) of a streaming transform fed the chunks, then flushed. */
function output(make: () => Transform | undefined) {
  return (chunks: readonly Uint8Array[]) => {
    const transform = make();
    if (transform === undefined) throw new Error("no transform");
    const parts: Buffer[] = [];
    const emit = (bytes: Uint8Array): void => {
      parts.push(Buffer.from(bytes));
    };
    for (const chunk of chunks) transform.push(chunk, emit);
    transform.flush(emit);
    return Buffer.concat(parts).toString("hex");
  };
}

const FORM = [
  "a",
  "b=",
  "=",
  "&",
  "&&",
  "%",
  "%4",
  "%41",
  "%e4%b8%ad",
  "%zz",
  "+",
  ";",
  "é",
  "%u0041",
  "x=https%3A%2F%2Fh%2Fp%3Fq%3D1",
];
const JSON_PIECES = [
  '{"a":',
  '"x"',
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  '"\\u00e9"',
  '"\\ud83d',
  '\\ude00"',
  "1e3",
  "-0",
  "true",
  "nul",
  " ",
  "\\",
  '"{\\"k\\":1}"',
];
const XML_PIECES = [
  "<a>",
  "</a>",
  "<b x='1'>",
  "</b>",
  "<c/>",
  "&amp;",
  "&#60;",
  "&bad;",
  "<![CDATA[",
  "]]>",
  "<!--",
  "-->",
  "<?pi x?>",
  "\r\n",
  "text",
  "]]",
  "<!DOCTYPE r [<!ENTITY e 'v'>]>",
  "é",
  "\u0000",
];
const MULTIPART_PIECES = [
  "--b\r\n",
  "--b--",
  "\r\n",
  "\n",
  'Content-Disposition: form-data; name="a"\r\n',
  'filename="x.txt"',
  "\r\n\r\n",
  "value",
  "--",
  "-",
  "--bx",
  "Content-Type: text/plain; charset=utf-7\r\n",
  "+ACc-",
];
const TEXT_PIECES = [
  "a",
  " ",
  "\\",
  "\\x3c",
  "\\u00",
  "41",
  "\\u{1F600}",
  "%",
  "%u",
  "%41",
  "&#",
  "&lt",
  ";",
  "/",
  "/.",
  "..",
  "\\..",
  "//",
  "^",
  "'",
  '"',
  ",",
  "\t",
  "\r\n",
  "é",
  "中",
  "😀",
  "/*",
  "*/",
  "=",
  "QUJD",
  "\u00a0",
  "\u0000",
  "\\6a ",
  "\\\r\n",
];

const subjects: Subject[] = [
  {
    name: "percent-decoding (form mode)",
    input: textOf(FORM),
    decode: output(() => {
      const decoder = new PercentDecoder(FORM_MODE);
      return {
        push: (input, emit) => {
          decoder.push(input, emit);
          decoder.drain(emit);
        },
        flush: (emit) => decoder.flush(emit),
      };
    }),
  },
  {
    name: "form-urlencoded body",
    input: textOf(FORM),
    decode: fields((sink) => new FormUrlencodedDecoder(sink)),
  },
  {
    name: "query string (form rules, query limits, nested values)",
    input: textOf(FORM),
    decode: fields((sink) => new FormUrlencodedDecoder(new NestedValueSink(sink), {}, "query")),
  },
  {
    name: "JSON body",
    input: generated((rng) => encoder.encode(randomJson(rng)), JSON_PIECES),
    decode: fields((sink) => new JsonDecoder(sink)),
  },
  {
    name: "JSON body with nested values",
    input: generated((rng) => encoder.encode(randomJson(rng)), JSON_PIECES),
    decode: fields((sink) => selectBodyDecoder("application/json", sink, { nested: {} })),
  },
  {
    name: "multipart/form-data body",
    input: generated((rng) => randomMultipart(rng).body, MULTIPART_PIECES),
    decode: fields((sink) => new MultipartDecoder(encoder.encode("b"), sink, {})),
  },
  {
    name: "XML body",
    input: generated((rng) => encoder.encode(randomXml(rng)), XML_PIECES),
    decode: fields((sink) => new XmlTokenizer(sink)),
  },
  {
    name: "XML body through encoding detection and the charset policy",
    input: textOf([
      ...XML_PIECES,
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
      "\ufeff",
      "\u00ff\u00fe",
    ]),
    decode: fields((sink) => selectBodyDecoder("application/xml", sink, { xml: {}, charset: {} })),
  },
  {
    name: "sniffed body (no Content-Type)",
    input: textOf([...FORM, ...JSON_PIECES, ...XML_PIECES, ...MULTIPART_PIECES]),
    decode: fields((sink) =>
      selectBodyDecoder(undefined, sink, { sniff: {}, xml: {}, multipart: {}, nested: {} }),
    ),
  },
  {
    name: "form body in EBCDIC (field-level transcoding)",
    input: textOf([...FORM, "\u0098\u007e\u004c"]),
    decode: fields((sink) =>
      selectBodyDecoder("application/x-www-form-urlencoded; charset=ibm037", sink, { charset: {} }),
    ),
  },
  {
    name: "cookies, crumbled at '; ' into several headers (HTTP/2)",
    input: textOf(["a=1", "; ", "b", "=", '"q"', "%41", "+", " ", "é", ";"]),
    split: (input, cuts) => {
      const text = Buffer.from(input).toString("latin1");
      const boundaries = [...text.matchAll(/; /g)].map((m) => m.index);
      if (boundaries.length === 0) return [input];
      const chosen = [...new Set(cuts.map((c) => boundaries[c % boundaries.length] as number))];
      const crumbs: Uint8Array[] = [];
      let start = 0;
      for (const at of chosen.sort((a, b) => a - b)) {
        crumbs.push(input.slice(start, at));
        start = at + 2;
      }
      crumbs.push(input.slice(start));
      return crumbs;
    },
    decode: (headers) =>
      headers.flatMap((header) =>
        parseCookies(header).map((c) => [
          Buffer.from(c.name).toString("hex"),
          Buffer.from(c.value).toString("hex"),
        ]),
      ),
  },
  ...[
    "iso-8859-1",
    "windows-1252",
    "utf-16le",
    "utf-16be",
    "utf-16",
    "utf-7",
    "ibm037",
    "ibm1047",
    "shift_jis",
    "gb18030",
    "big5",
    "windows-1251",
    "koi8-r",
  ].map(
    (label): Subject => ({
      name: `charset transcoding from ${label}`,
      input: fc.oneof(
        fc.uint8Array({ maxLength: 96 }),
        textOf(["+", "-", "AC", "c", "+AD0-", "a", "\u0082\u00a0", "\u0081"]),
      ),
      decode: output(() => {
        const charset = knownCharset(label);
        if (charset === undefined) throw new Error(`unknown charset ${label}`);
        return transcoderFor(charset);
      }),
    }),
  ),
  ...[...TRANSFORMS.keys()].map(
    (name): Subject => ({
      name: `transform t:${name}`,
      input: textOf(TEXT_PIECES, 32),
      decode: output(() => createTransform(name)),
    }),
  ),
];

const cutPoints = fc.array(fc.nat({ max: 1 << 16 }), { maxLength: 7 });

describe("split invariance: any 1-8 chunking decodes like the whole input", () => {
  for (const subject of subjects) {
    it(subject.name, () => {
      const split = subject.split ?? atOffsets;
      fc.assert(
        fc.property(subject.input, cutPoints, (input, cuts) => {
          const whole = JSON.stringify(subject.decode([input]));
          const chunked = JSON.stringify(subject.decode(split(input, cuts)));
          if (chunked !== whole) throw new Error(`chunked: ${chunked}\nwhole:   ${whole}`);
        }),
        { numRuns: subject.runs ?? RUNS, seed: seedOf(subject.name) },
      );
    });
  }
});

type Coding = "gzip" | "deflate" | "br";
const compress: Record<Coding, (bytes: Uint8Array) => Buffer> = {
  gzip: (bytes) => zlib.gzipSync(bytes),
  deflate: (bytes) => zlib.deflateSync(bytes),
  br: (bytes) => zlib.brotliCompressSync(bytes),
};

/** The decoded output and anomalies of a Content-Encoding stage fed the chunks. */
async function inflate(coding: string, chunks: readonly Uint8Array[]): Promise<string> {
  const sink = new RecordingSink();
  const out: Buffer[] = [];
  const downstream: BodyDecoder = {
    write: (bytes) => {
      out.push(Buffer.from(bytes));
    },
    end: () => {},
  };
  const stage = createContentDecoding([coding], downstream, sink);
  if (stage === undefined) throw new Error(`${coding} should decode`);
  for (const chunk of chunks) await stage.write(chunk);
  await stage.end();
  return JSON.stringify({ out: Buffer.concat(out).toString("hex"), anomalies: sink.anomalies });
}

describe("split invariance of Content-Encoding (async, node:zlib)", () => {
  for (const coding of ["gzip", "deflate", "br"] as const) {
    it(`${coding}: compressed bodies at any 1-8 chunking`, async () => {
      await fc.assert(
        fc.asyncProperty(textOf(TEXT_PIECES, 64), cutPoints, async (plain, cuts) => {
          const body = compress[coding](plain);
          const whole = await inflate(coding, [body]);
          const chunked = await inflate(coding, atOffsets(body, cuts));
          if (chunked !== whole) throw new Error(`chunked: ${chunked}\nwhole:   ${whole}`);
        }),
        { numRuns: 100, seed: seedOf(coding) },
      );
    });
  }
});
