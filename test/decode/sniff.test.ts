/**
 * Walks test/fixtures/decode/sniff/*.json: which decoder a body gets when its Content-Type is
 * missing, empty, unparseable or has no decoder (shared case 17), and that the decoder is picked
 * from the parsed type only (shared case 11). Each vector runs whole and at every chunking:
 * the sniffing window must decide the same way however the first bytes arrive.
 */
import { describe, expect, it } from "vitest";
import { selectBodyDecoder } from "../../src/decode/content-type.js";
import { SniffingDecoder } from "../../src/decode/sniff.js";
import type { AnomalyKind, FieldTarget } from "../../src/decode/types.js";
import { type ByteSpec, bytesOf } from "./support/bytes.js";
import { fixtureFiles, loadFixture } from "./support/fixtures.js";
import { expectedFields, RecordingSink } from "./support/recording-sink.js";
import { expectSameForEverySplit } from "./support/splits.js";

interface SniffVector {
  readonly name: string;
  readonly source?: string;
  readonly contentType: string | null;
  readonly input: ByteSpec;
  readonly fields: readonly [FieldTarget, ByteSpec, ByteSpec][];
  readonly anomalies: readonly [AnomalyKind, string][];
}

function run(vector: SniffVector, chunks: readonly Uint8Array[]) {
  const sink = new RecordingSink();
  const decoder = selectBodyDecoder(vector.contentType ?? undefined, sink, {
    multipart: {},
    charset: {},
    sniff: {},
    xml: {},
  });
  for (const chunk of chunks) decoder?.write(chunk);
  decoder?.end();
  sink.assertClosed();
  return { fields: sink.fields, anomalies: sink.anomalies.map(([kind, code]) => [kind, code]) };
}

for (const file of fixtureFiles("sniff")) {
  const fixture = loadFixture<{ vectors: SniffVector[] }>(`sniff/${file}`);
  describe(`sniffing (${file})`, () => {
    for (const vector of fixture.vectors) {
      const title = vector.source ? `${vector.name} [${vector.source}]` : vector.name;
      it(title, () => {
        const input = bytesOf(vector.input);
        const whole = run(vector, [input]);
        expect(whole.fields).toEqual(expectedFields(vector.fields));
        expect(whole.anomalies).toEqual(vector.anomalies);
        expectSameForEverySplit(input, title, whole, (chunks) => run(vector, chunks));
      });
    }
  });
}

describe("sniffing decoder setup", () => {
  it("rejects a window it cannot use", () => {
    expect(
      () => new SniffingDecoder(new RecordingSink(), () => undefined, { maxSniffBytes: 4 }),
    ).toThrow(/maxSniffBytes.*got 4/);
  });

  it("refuses a write after end", () => {
    const decoder = new SniffingDecoder(new RecordingSink(), () => undefined);
    decoder.end();
    expect(() => decoder.write(new Uint8Array(1))).toThrow(/after end/);
  });
});
