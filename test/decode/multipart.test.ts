/**
 * Walks test/fixtures/decode/multipart/*.json: multipart/form-data bodies decoded through
 * selectBodyDecoder (so boundary and charset parameters are parsed as in production), whole,
 * at every two-chunk cut, one byte per chunk and at seeded random cuts; fields and anomalies
 * must be identical at every chunking. Then a differential test: random valid bodies against a
 * small whole-body reference parser written here.
 */
import { describe, expect, it } from "vitest";
import { type BodyDecoderOptions, selectBodyDecoder } from "../../src/decode/content-type.js";
import { MultipartDecoder, type MultipartOptions } from "../../src/decode/multipart.js";
import type { AnomalyKind, FieldTarget } from "../../src/decode/types.js";
import { type ByteSpec, bytesOf, show } from "./support/bytes.js";
import { fixtureFiles, loadFixture } from "./support/fixtures.js";
import { Prng } from "./support/prng.js";
import { expectedFields, type RecordedField, RecordingSink } from "./support/recording-sink.js";
import { chunkings } from "./support/splits.js";

interface MultipartVector {
  readonly name: string;
  readonly source?: string;
  /** Default `multipart/form-data; boundary=b`. */
  readonly contentType?: string;
  readonly options?: MultipartOptions;
  readonly input: ByteSpec;
  readonly fields: readonly [FieldTarget, ByteSpec, ByteSpec][];
  readonly anomalies: readonly [AnomalyKind, string][];
  readonly skippedBytes?: number;
}

function run(vector: MultipartVector, chunks: readonly Uint8Array[]) {
  const sink = new RecordingSink();
  const options: BodyDecoderOptions = {
    multipart: vector.options ?? {},
    charset: {},
    sniff: {},
  };
  const contentType = vector.contentType ?? "multipart/form-data; boundary=b";
  const decoder = selectBodyDecoder(contentType, sink, options);
  if (decoder === undefined) throw new Error(`no decoder for ${contentType}`);
  const copies = chunks.map((chunk) => chunk.slice());
  for (const chunk of chunks) decoder.write(chunk);
  decoder.end();
  sink.assertClosed();
  chunks.forEach((chunk, k) => {
    if (!Buffer.from(chunk).equals(copies[k] as Uint8Array)) throw new Error("input changed");
  });
  const skipped = decoder instanceof MultipartDecoder ? decoder.skippedBytes : undefined;
  return {
    fields: sink.fields,
    anomalies: sink.anomalies.map(([kind, code]) => [kind, code]),
    details: sink.anomalies.map(([, , detail]) => detail),
    skipped,
  };
}

for (const file of fixtureFiles("multipart")) {
  const fixture = loadFixture<{ vectors: MultipartVector[] }>(`multipart/${file}`);
  describe(`multipart (${file})`, () => {
    for (const vector of fixture.vectors) {
      const title = vector.source ? `${vector.name} [${vector.source}]` : vector.name;
      it(title, () => {
        const input = bytesOf(vector.input);
        const whole = run(vector, [input]);
        expect(whole.fields).toEqual(expectedFields(vector.fields));
        expect(whole.anomalies).toEqual(vector.anomalies);
        if (vector.skippedBytes !== undefined) expect(whole.skipped).toBe(vector.skippedBytes);
        for (const detail of whole.details) expect(detail).not.toMatch(/SELECT|script|passwd/);
        for (const { label, chunks } of chunkings(input, title)) {
          const split = run(vector, chunks);
          const same =
            JSON.stringify(split.fields) === JSON.stringify(whole.fields) &&
            JSON.stringify(split.anomalies) === JSON.stringify(whole.anomalies) &&
            split.skipped === whole.skipped;
          if (!same) expect(split, `split-invariance broken (${label})`).toEqual(whole);
        }
      });
    }
  });
}

// --- Differential test --------------------------------------------------------------------

const BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";
const CONTENT_PIECES = [
  "a",
  "Z",
  "0",
  " ",
  "-",
  "--",
  "\r",
  "\n",
  "\r\n",
  "\r\n--",
  "\n--",
  "é",
  "\u0000",
  "<script>",
  "' OR 1=1",
];
const NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-[].";

function randomBoundary(rng: Prng): string {
  const length = 1 + rng.int(70);
  let text = "";
  for (let k = 0; k < length; k++) text += rng.pick([...BCHARS]);
  return text.endsWith(" ") ? `${text.slice(0, -1)}x` : text;
}

function randomText(rng: Prng, pieces: readonly string[], count: number): string {
  let text = "";
  for (let k = 0; k < count; k++) text += rng.pick(pieces);
  return text;
}

interface GeneratedPart {
  readonly name: string;
  readonly filename: string | undefined;
  readonly content: string;
}

function randomBody(rng: Prng): { boundary: string; body: string; parts: GeneratedPart[] } {
  const boundary = randomBoundary(rng);
  const parts: GeneratedPart[] = [];
  const count = rng.int(5);
  for (let p = 0; p < count; p++) {
    let content = randomText(
      rng,
      [...CONTENT_PIECES, boundary.slice(0, 1 + rng.int(boundary.length))],
      rng.int(12),
    );
    // A valid body never holds a delimiter line inside content (content follows a CRLF, so it
    // may not start with one either).
    content = content.split(`\n--${boundary}`).join("\n-x-");
    if (content.startsWith(`--${boundary}`)) content = `z${content}`;
    if (content.endsWith("\r") || content.endsWith("\n")) content += "z";
    const name = `f${randomText(rng, [...NAME_CHARS], rng.int(6))}`;
    const filename =
      rng.int(3) === 0 ? `${randomText(rng, [...NAME_CHARS], 1 + rng.int(8))}.txt` : undefined;
    parts.push({ name, filename, content });
  }
  let body = rng.int(3) === 0 ? "\r\n" : "";
  for (const part of parts) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) body += `; filename="${part.filename}"`;
    body += "\r\n";
    if (rng.int(2) === 0) body += "Content-Type: text/plain; charset=utf-8\r\n";
    body += `\r\n${part.content}\r\n`;
  }
  body += `--${boundary}--${rng.pick(["", "\r\n", "\r\n\r\n"])}`;
  return { boundary, body, parts };
}

/** The obviously-correct reading: split the whole body on the delimiter. */
function referenceParse(body: string, boundary: string): RecordedField[] {
  const fields: RecordedField[] = [];
  const start = body.indexOf(`--${boundary}`);
  const segments = body.slice(start + 2 + boundary.length).split(`\r\n--${boundary}`);
  for (const segment of segments) {
    if (segment.startsWith("--")) break;
    const headerEnd = segment.indexOf("\r\n\r\n");
    const headers = segment.slice(2, headerEnd);
    const content = segment.slice(headerEnd + 4);
    const name = /name="([^"]*)"/.exec(headers)?.[1] ?? "";
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    fields.push(["args_names", "", name]);
    if (filename !== undefined) fields.push(["args", `${name}.filename`, filename]);
    fields.push(["args", name, show(Buffer.from(content, "utf8"))]);
  }
  return fields;
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

describe("multipart decoder against a whole-body reference parser", () => {
  it("agrees on 800 random valid bodies at random chunkings, with no anomaly", () => {
    const rng = new Prng(0x3a1f);
    for (let n = 0; n < 800; n++) {
      const { boundary, body, parts } = randomBody(rng);
      const expected = referenceParse(body, boundary);
      expect(expected.filter(([target]) => target === "args_names").length).toBe(parts.length);
      const sink = new RecordingSink();
      const decoder = new MultipartDecoder(Buffer.from(boundary), sink);
      for (const chunk of randomChunks(rng, Buffer.from(body, "utf8"))) decoder.write(chunk);
      decoder.end();
      sink.assertClosed();
      if (JSON.stringify(sink.fields) !== JSON.stringify(expected) || sink.anomalies.length > 0) {
        expect({ fields: sink.fields, anomalies: sink.anomalies }, JSON.stringify(body)).toEqual({
          fields: expected,
          anomalies: [],
        });
      }
    }
  });
});

describe("multipart decoder misuse is refused with a reason", () => {
  it("rejects an empty boundary and non-positive limits", () => {
    const sink = new RecordingSink();
    expect(() => new MultipartDecoder(new Uint8Array(0), sink)).toThrow(/boundary/);
    expect(() => new MultipartDecoder(Buffer.from("b"), sink, { maxParts: 0 })).toThrow(
      /maxParts.*got 0/,
    );
    expect(() => new MultipartDecoder(Buffer.from("b"), sink, { maxFileBytes: 1.5 })).toThrow(
      RangeError,
    );
  });

  it("refuses a write after end", () => {
    const decoder = new MultipartDecoder(Buffer.from("b"), new RecordingSink());
    decoder.end();
    expect(() => decoder.write(new Uint8Array(1))).toThrow(/after end/);
  });
});
