/**
 * Differential tests against the platform's own parsers, on seeded random input:
 * - JSON: every key and value our streaming decoder emits equals what JSON.parse yields for the
 *   same document (walked in document order with the documented path scheme), at random
 *   chunkings;
 * - forms and query strings: the name/value pairs equal URLSearchParams' pairs.
 * Strings from the platform are compared as the UTF-8 TextEncoder makes of them (a lone
 * surrogate becomes U+FFFD, as our decoders emit it).
 */
import { describe, expect, it } from "vitest";
import { FormUrlencodedDecoder } from "../../src/decode/form-urlencoded.js";
import { JsonDecoder } from "../../src/decode/json.js";
import { parseQuery } from "../../src/decode/query.js";
import { show } from "./support/bytes.js";
import { randomJson } from "./support/json-gen.js";
import { Prng } from "./support/prng.js";
import { type RecordedField, RecordingSink } from "./support/recording-sink.js";

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
