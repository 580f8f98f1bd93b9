/**
 * Differential tests against the platform's own parsers and well-kept libraries, on seeded
 * random input:
 * - JSON: every key and value our streaming decoder emits equals what JSON.parse yields for the
 *   same document (walked in document order with the documented path scheme), at random
 *   chunkings;
 * - forms and query strings: the name/value pairs equal URLSearchParams' pairs;
 * - XML: element names, attributes and text runs equal what saxes (a strict SAX parser) reports
 *   for the same valid document, mapped onto our naming scheme;
 * - multipart: the fields and file contents equal what busboy reads from the same valid body.
 * Strings from the platform are compared as the UTF-8 TextEncoder makes of them (a lone
 * surrogate becomes U+FFFD, as our decoders emit it).
 */
import { Readable } from "node:stream";
import busboy from "busboy";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { FormUrlencodedDecoder } from "../../src/decode/form-urlencoded.js";
import { JsonDecoder } from "../../src/decode/json.js";
import { MultipartDecoder } from "../../src/decode/multipart.js";
import { parseQuery } from "../../src/decode/query.js";
import { XmlTokenizer } from "../../src/decode/xml-tokenizer.js";
import { show } from "./support/bytes.js";
import { randomJson } from "./support/json-gen.js";
import { randomMultipart } from "./support/multipart-gen.js";
import { Prng } from "./support/prng.js";
import { type RecordedField, RecordingSink } from "./support/recording-sink.js";
import { randomXml } from "./support/xml-gen.js";

const encoder = new TextEncoder();
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
const DOCUMENTS = 600;
const FORM_BODIES = 1500;

/** Chunks at 0-7 random cut points (empty chunks included). */
function randomChunks(rng: Prng, bytes: Uint8Array): Uint8Array[] {
  const cuts = Array.from({ length: rng.int(8) }, () => rng.int(bytes.length + 1)).sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.slice(start, cut));
    start = cut;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

/** Numbers are compared by value: our field keeps the literal text ("1.0"), JSON.parse a number. */
function numberText(value: number): string {
  return `number:${Object.is(value, -0) ? "-0" : String(value)}`;
}

/** What our decoder should emit for a parsed JSON value, by the documented naming scheme. */
function expectedFields(value: unknown, path: string, out: RecordedField[]): void {
  if (typeof value === "string") {
    out.push(["args", path, show(encoder.encode(value))]);
  } else if (typeof value === "number") {
    out.push(["args", path, numberText(value)]);
  } else if (typeof value === "boolean" || value === null) {
    out.push(["args", path, String(value)]);
  } else if (Array.isArray(value)) {
    for (const item of value) expectedFields(item, `${path}[]`, out);
  } else if (typeof value === "object") {
    for (const [key, member] of Object.entries(value)) {
      // Names are built from the key's UTF-8 bytes: a lone surrogate in a key reads as U+FFFD.
      const name = lenient.decode(encoder.encode(key));
      out.push(["args_names", path, show(encoder.encode(key))]);
      expectedFields(member, path === "" ? name : `${path}.${name}`, out);
    }
  }
}

describe("JSON decoder against JSON.parse", () => {
  it(`agrees on ${DOCUMENTS} random documents at random chunkings`, () => {
    const rng = new Prng(0x5eed);
    for (let d = 0; d < DOCUMENTS; d++) {
      const text = randomJson(rng);
      const expected: RecordedField[] = [];
      expectedFields(JSON.parse(text), "", expected);

      const sink = new RecordingSink();
      const decoder = new JsonDecoder(sink);
      for (const chunk of randomChunks(rng, encoder.encode(text))) decoder.write(chunk);
      decoder.end();
      sink.assertClosed();

      // Where JSON.parse saw a number, compare our literal text by its value.
      const ours = sink.fields.map(([target, name, value], k): RecordedField => {
        const isNumber = expected[k]?.[2].startsWith("number:") === true;
        return [target, name, isNumber ? numberText(Number(value)) : value];
      });
      expect({ text, fields: ours, anomalies: sink.anomalies }).toEqual({
        text,
        fields: expected,
        anomalies: [],
      });
    }
  });
});

const FORM_PIECES = [
  "a",
  "b",
  "Z",
  "0",
  "9",
  "%",
  "%2",
  "%41",
  "%e5%a8%a7",
  "%E4%B8",
  "%zz",
  "%u0041",
  "%C0%AE",
  "%00",
  "%2B",
  "%26",
  "%3D",
  "%25",
  "+",
  "=",
  "==",
  "&",
  "&&",
  ";",
  " ",
  "é",
  "中",
  "😀",
  "%F0%9F%98%80",
  "%EF%BB%BF",
];

/**
 * The WHATWG urlencoded parser works on the UTF-8 bytes of its input, so percent-encoding the
 * non-ASCII characters first does not change its result. It does avoid a Node 20 quirk:
 * URLSearchParams(string) keeps only the low byte of a non-ASCII character when the same value
 * also holds an escape that is not valid UTF-8 ("b中%C0" gives "b-\ufffd").
 */
function whatwgPairs(body: string): [string, string][] {
  let ascii = "";
  for (const c of body) ascii += c.charCodeAt(0) < 0x80 ? c : encodeURIComponent(c);
  return [...new URLSearchParams(ascii)];
}

function randomForm(rng: Prng): string {
  let text = "";
  const count = rng.int(20);
  for (let k = 0; k < count; k++) text += rng.pick(FORM_PIECES);
  return text;
}

/** Our fields as [name, value] pairs, checking that each value is named by its name field. */
function pairsOf(fields: readonly RecordedField[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let k = 0; k < fields.length; k += 2) {
    const name = fields[k];
    const value = fields[k + 1];
    if (name?.[0] !== "args_names" || value?.[0] !== "args")
      throw new Error(`unpaired fields at ${k}`);
    const nameText = lenient.decode(
      Buffer.from(
        name[2].startsWith("hex:") ? Buffer.from(name[2].slice(4), "hex") : encoder.encode(name[2]),
      ),
    );
    if (value[1] !== nameText) throw new Error(`value named ${value[1]} after name ${nameText}`);
    const valueBytes = value[2].startsWith("hex:")
      ? Buffer.from(value[2].slice(4), "hex")
      : encoder.encode(value[2]);
    pairs.push([nameText, lenient.decode(valueBytes)]);
  }
  return pairs;
}

describe("form decoders against URLSearchParams", () => {
  it(`form bodies agree on ${FORM_BODIES} random bodies at random chunkings`, () => {
    const rng = new Prng(0xf0f0);
    for (let b = 0; b < FORM_BODIES; b++) {
      const body = randomForm(rng);
      const sink = new RecordingSink();
      const decoder = new FormUrlencodedDecoder(sink);
      for (const chunk of randomChunks(rng, encoder.encode(body))) decoder.write(chunk);
      decoder.end();
      sink.assertClosed();
      expect({ body, pairs: pairsOf(sink.fields) }).toEqual({
        body,
        pairs: whatwgPairs(body),
      });
    }
  });

  it(`query strings agree on ${FORM_BODIES} random queries`, () => {
    const rng = new Prng(0x0a0a);
    for (let b = 0; b < FORM_BODIES; b++) {
      const query = randomForm(rng).replaceAll("?", "");
      const sink = new RecordingSink();
      parseQuery(`/p?${query}`, sink);
      expect({ query, pairs: pairsOf(sink.fields) }).toEqual({
        query,
        pairs: whatwgPairs(query),
      });
    }
  });
});

const XML_DOCUMENTS = 600;

/** What our XML decoder should emit for a document, from saxes' events. */
function saxesFields(text: string): RecordedField[] {
  const fields: RecordedField[] = [];
  const path: string[] = [];
  let pending = "";
  const flushText = (): void => {
    const trimmed = pending.replace(/^[ \t\n\r]+/, "");
    if (trimmed !== "") fields.push(["args", path.join("."), show(encoder.encode(trimmed))]);
    pending = "";
  };
  const parser = new SaxesParser();
  parser.on("error", (error) => {
    throw error;
  });
  parser.on("text", (t) => {
    if (path.length > 0) pending += t;
  });
  parser.on("cdata", (t) => {
    pending += t;
  });
  parser.on("opentag", (tag) => {
    flushText();
    fields.push(["args_names", path.join("."), tag.name]);
    path.push(tag.name);
    const own = path.join(".");
    for (const [name, value] of Object.entries(tag.attributes)) {
      fields.push(["args_names", own, name]);
      fields.push(["args", `${own}@${name}`, show(encoder.encode(String(value)))]);
    }
  });
  parser.on("closetag", () => {
    flushText();
    path.pop();
  });
  parser.write(text).close();
  return fields;
}

describe("XML decoder against saxes", () => {
  it(`agrees on ${XML_DOCUMENTS} random valid documents at random chunkings`, () => {
    const rng = new Prng(0x0c0de);
    for (let d = 0; d < XML_DOCUMENTS; d++) {
      const text = randomXml(rng);
      const expected = saxesFields(text);
      const sink = new RecordingSink();
      const decoder = new XmlTokenizer(sink);
      for (const chunk of randomChunks(rng, encoder.encode(text))) decoder.write(chunk);
      decoder.end();
      sink.assertClosed();
      expect({ text, fields: sink.fields, anomalies: sink.anomalies }).toEqual({
        text,
        fields: expected,
        anomalies: [],
      });
    }
  });
});

const MULTIPART_BODIES = 300;

/** busboy's reading of a body: [name, value] for fields, [name, filename, content] for files. */
async function busboyParts(boundary: string, body: Uint8Array): Promise<string[][]> {
  const parts: string[][] = [];
  const parser = busboy({
    headers: { "content-type": `multipart/form-data; boundary="${boundary}"` },
    limits: { fieldSize: Number.POSITIVE_INFINITY },
    defParamCharset: "utf8",
  });
  parser.on("field", (name, value) => parts.push([name, value]));
  parser.on("file", (name, stream, info) => {
    // Files end after later fields may have been reported: keep the document order.
    const slot = parts.length;
    parts.push([]);
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      parts[slot] = [name, info.filename ?? "", Buffer.concat(chunks).toString("utf8")];
    });
  });
  await new Promise<void>((resolve, reject) => {
    parser.on("close", resolve);
    parser.on("error", reject);
    Readable.from([Buffer.from(body)]).pipe(parser);
  });
  return parts;
}

/** Our reading of the same body, in busboy's shape (the documented field scheme undone). */
function ourParts(boundary: string, chunks: readonly Uint8Array[]): string[][] {
  const sink = new RecordingSink();
  const decoder = new MultipartDecoder(encoder.encode(boundary), sink, {});
  for (const chunk of chunks) decoder.write(chunk);
  decoder.end();
  sink.assertClosed();
  if (sink.anomalies.length > 0) throw new Error(`anomalies: ${JSON.stringify(sink.anomalies)}`);
  const parts: string[][] = [];
  let filename: string | undefined;
  for (const [target, name, value] of sink.fields) {
    if (target !== "args") continue;
    if (name.endsWith(".filename") && filename === undefined) {
      filename = value;
      continue;
    }
    parts.push(filename === undefined ? [name, value] : [name, filename, value]);
    filename = undefined;
  }
  return parts;
}

describe("multipart decoder against busboy", () => {
  it(`agrees on ${MULTIPART_BODIES} random valid bodies at random chunkings`, async () => {
    const rng = new Prng(0xb0b);
    for (let b = 0; b < MULTIPART_BODIES; b++) {
      const { boundary, body } = randomMultipart(rng);
      const expected = await busboyParts(boundary, body);
      const ours = ourParts(boundary, randomChunks(rng, body));
      expect({ body: Buffer.from(body).toString(), parts: ours }).toEqual({
        body: Buffer.from(body).toString(),
        parts: expected,
      });
    }
  });
});
