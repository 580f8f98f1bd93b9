/**
 * Walks test/fixtures/decode/xml/*.json: XML bodies through selectBodyDecoder (Content-Type
 * application/xml unless a vector names another; `null` for none) with the charset policy,
 * sniffing and the XML decoder on. Every vector runs whole and at every chunking from
 * support/splits.ts, and must give the same fields and anomalies (details included: offsets
 * count bytes of the body, never of a chunk).
 */
import { describe, expect, it } from "vitest";
import type { CharsetOptions } from "../../src/decode/charset.js";
import { selectBodyDecoder } from "../../src/decode/content-type.js";
import type { AnomalyKind, FieldTarget } from "../../src/decode/types.js";
import type { XmlDecoderOptions } from "../../src/decode/xml.js";
import { XmlTokenizer } from "../../src/decode/xml-tokenizer.js";
import { type ByteSpec, bytesOf } from "./support/bytes.js";
import { fixtureFiles, loadFixture } from "./support/fixtures.js";
import { expectedFields, RecordingSink } from "./support/recording-sink.js";
import { expectSameForEverySplit } from "./support/splits.js";

interface XmlVector {
  readonly name: string;
  readonly contentType?: string | null;
  readonly options?: XmlDecoderOptions;
  readonly charset?: CharsetOptions;
  readonly input: ByteSpec;
  readonly fields: readonly [FieldTarget, ByteSpec, ByteSpec][];
  readonly anomalies: readonly [AnomalyKind, string, string][];
}

function run(vector: XmlVector, chunks: readonly Uint8Array[]) {
  const sink = new RecordingSink();
  const contentType = vector.contentType === undefined ? "application/xml" : vector.contentType;
  const decoder = selectBodyDecoder(contentType ?? undefined, sink, {
    xml: vector.options ?? {},
    charset: vector.charset ?? {},
    sniff: {},
    multipart: {},
  });
  if (decoder === undefined) throw new Error(`no decoder for ${contentType}`);
  for (const chunk of chunks) decoder.write(chunk);
  decoder.end();
  sink.assertClosed();
  return { fields: sink.fields, anomalies: sink.anomalies };
}

for (const file of fixtureFiles("xml")) {
  const fixture = loadFixture<{ vectors: XmlVector[] }>(`xml/${file}`);
  describe(`xml (${file})`, () => {
    for (const vector of fixture.vectors) {
      it(vector.name, () => {
        const input = bytesOf(vector.input);
        const whole = run(vector, [input]);
        expect(whole.fields).toEqual(expectedFields(vector.fields));
        expect(whole.anomalies).toEqual(vector.anomalies);
        expectSameForEverySplit(input, vector.name, whole, (chunks) => run(vector, chunks));
      });
    }
  });
}

describe("XML decoder misuse is refused with a reason", () => {
  it("rejects limits it cannot honour", () => {
    expect(() => new XmlTokenizer(new RecordingSink(), { maxDepth: 0 })).toThrow(/maxDepth.*got 0/);
    expect(() => new XmlTokenizer(new RecordingSink(), { maxFields: -1 })).toThrow(/maxFields/);
  });

  it("refuses a write after end", () => {
    const xml = new XmlTokenizer(new RecordingSink());
    xml.end();
    expect(() => xml.write(new Uint8Array(1))).toThrow(/after end/);
  });
});
