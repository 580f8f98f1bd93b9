/**
 * Walks test/fixtures/decode/nested/*.json: values holding a JSON document or a URL with a
 * query, read one level further (src/decode/nested-values.ts), in bodies (through
 * selectBodyDecoder, whole and at every chunking) and in query strings (parseQuery).
 */
import { describe, expect, it } from "vitest";
import { selectBodyDecoder } from "../../src/decode/content-type.js";
import type { NestedValueOptions } from "../../src/decode/nested-values.js";
import { NestedValueSink } from "../../src/decode/nested-values.js";
import { parseQuery } from "../../src/decode/query.js";
import type { AnomalyKind, FieldTarget } from "../../src/decode/types.js";
import { type ByteSpec, bytesOf } from "./support/bytes.js";
import { fixtureFiles, loadFixture } from "./support/fixtures.js";
import { expectedFields, RecordingSink } from "./support/recording-sink.js";
import { expectSameForEverySplit } from "./support/splits.js";

interface NestedVector {
  readonly name: string;
  readonly source?: string;
  readonly query?: boolean;
  readonly contentType?: string;
  readonly options?: NestedValueOptions;
  readonly input: ByteSpec;
  readonly fields: readonly [FieldTarget, ByteSpec, ByteSpec][];
  readonly anomalies: readonly [AnomalyKind, string][];
}

function runBody(vector: NestedVector, chunks: readonly Uint8Array[]) {
  const sink = new RecordingSink();
  const decoder = selectBodyDecoder(vector.contentType, sink, {
    nested: vector.options ?? {},
    multipart: {},
    xml: {},
    charset: {},
    sniff: {},
  });
  if (decoder === undefined) throw new Error(`no decoder for ${vector.contentType}`);
  for (const chunk of chunks) decoder.write(chunk);
  decoder.end();
  sink.assertClosed();
  return { fields: sink.fields, anomalies: sink.anomalies.map(([kind, code]) => [kind, code]) };
}

function runQuery(vector: NestedVector, input: Uint8Array) {
  const sink = new RecordingSink();
  parseQuery(input, sink, {}, vector.options ?? {});
  sink.assertClosed();
  return { fields: sink.fields, anomalies: sink.anomalies.map(([kind, code]) => [kind, code]) };
}

for (const file of fixtureFiles("nested")) {
  const fixture = loadFixture<{ vectors: NestedVector[] }>(`nested/${file}`);
  describe(`nested values (${file})`, () => {
    for (const vector of fixture.vectors) {
      const title = vector.source ? `${vector.name} [${vector.source}]` : vector.name;
      it(title, () => {
        const input = bytesOf(vector.input);
        const whole = vector.query === true ? runQuery(vector, input) : runBody(vector, [input]);
        expect(whole.fields).toEqual(expectedFields(vector.fields));
        expect(whole.anomalies).toEqual(vector.anomalies);
        if (vector.query === true) return;
        expectSameForEverySplit(input, title, whole, (chunks) => runBody(vector, chunks));
      });
    }
  });
}

describe("nested values setup", () => {
  it("refuses a hold size it will not allocate", () => {
    expect(() => new NestedValueSink(new RecordingSink(), { maxBytes: 1 << 21 })).toThrow(
      /maxBytes.*got 2097152/,
    );
  });

  it("can be turned off for a query string", () => {
    const sink = new RecordingSink();
    parseQuery("/?u=/a?b=1", sink, {}, false);
    expect(sink.fields.map(([, name]) => name)).toEqual(["", "u"]);
  });
});
