/**
 * Walks test/fixtures/decode/fields/*.json: vectors for the decoders that emit fields to a
 * FieldSink (form-urlencoded and JSON bodies, query strings). Streaming decoders are also run
 * at every chunking from support/splits.ts and must give identical fields and anomalies.
 */
import { describe, expect, it } from "vitest";
import {
  FormUrlencodedDecoder,
  type FormUrlencodedOptions,
} from "../../src/decode/form-urlencoded.js";
import { JsonDecoder, type JsonDecoderOptions } from "../../src/decode/json.js";
import { parseQuery } from "../../src/decode/query.js";
import type { AnomalyKind, FieldTarget } from "../../src/decode/types.js";
import { type ByteSpec, bytesOf } from "./support/bytes.js";
import { fixtureFiles, loadFixture } from "./support/fixtures.js";
import { expectedFields, RecordingSink } from "./support/recording-sink.js";
import { chunkings } from "./support/splits.js";

interface FieldVector {
  readonly name: string;
  /** The shared case (file#variant) the vector comes from, if any. */
  readonly source?: string;
  readonly options?: Record<string, unknown>;
  readonly input: ByteSpec;
  /** Expected fields in order; or only their number with `fieldCount`. */
  readonly fields?: readonly [FieldTarget, ByteSpec, ByteSpec][];
  readonly fieldCount?: number;
  readonly anomalies: readonly [AnomalyKind, string][];
  readonly invalidEscapes?: number;
}

interface FieldFixture {
  readonly decoder: "form-urlencoded" | "json" | "query";
  readonly vectors: readonly FieldVector[];
}

interface Outcome {
  readonly fields: RecordingSink["fields"];
  readonly anomalies: RecordingSink["anomalies"];
  readonly invalidEscapes: number | undefined;
}

function runStreaming(
  decoder: "form-urlencoded" | "json",
  options: Record<string, unknown>,
  chunks: readonly Uint8Array[],
): Outcome {
  const sink = new RecordingSink();
  const copies = chunks.map((chunk) => chunk.slice());
  const body =
    decoder === "json"
      ? new JsonDecoder(sink, options as JsonDecoderOptions)
      : new FormUrlencodedDecoder(sink, options as FormUrlencodedOptions);
  for (const chunk of chunks) body.write(chunk);
  body.end();
  sink.assertClosed();
  chunks.forEach((chunk, k) => {
    if (!Buffer.from(chunk).equals(copies[k] as Uint8Array))
      throw new Error("decoder changed its input");
  });
  const invalidEscapes = body instanceof FormUrlencodedDecoder ? body.invalidEscapes : undefined;
  return { fields: sink.fields, anomalies: sink.anomalies, invalidEscapes };
}

function runQuery(options: Record<string, unknown>, input: Uint8Array): Outcome {
  const sink = new RecordingSink();
  const result = parseQuery(input, sink, options as FormUrlencodedOptions);
  sink.assertClosed();
  return { fields: sink.fields, anomalies: sink.anomalies, invalidEscapes: result.invalidEscapes };
}

for (const file of fixtureFiles("fields")) {
  const fixture = loadFixture<FieldFixture>(`fields/${file}`);
  describe(`${fixture.decoder} (${file})`, () => {
    for (const vector of fixture.vectors) {
      const title = vector.source ? `${vector.name} [${vector.source}]` : vector.name;
      it(title, () => {
        const input = bytesOf(vector.input);
        const options = vector.options ?? {};
        const whole =
          fixture.decoder === "query"
            ? runQuery(options, input)
            : runStreaming(fixture.decoder, options, [input]);

        if (vector.fields !== undefined) {
          expect(whole.fields).toEqual(expectedFields(vector.fields));
        } else {
          expect(whole.fields.length).toBe(vector.fieldCount);
        }
        expect(whole.anomalies.map(([kind, code]) => [kind, code])).toEqual(vector.anomalies);
        if (vector.invalidEscapes !== undefined) {
          expect(whole.invalidEscapes).toBe(vector.invalidEscapes);
        }

        if (fixture.decoder === "query") return;
        for (const { label, chunks } of chunkings(input, title)) {
          const split = runStreaming(fixture.decoder, options, chunks);
          if (JSON.stringify(split) !== JSON.stringify(whole)) {
            expect(split, `split-invariance broken (${label})`).toEqual(whole);
          }
        }
      });
    }
  });
}

describe("decoder misuse is refused with a reason", () => {
  it("rejects a depth limit the stack cannot be sized for", () => {
    expect(() => new JsonDecoder(new RecordingSink(), { maxDepth: 0 })).toThrow(/maxDepth.*got 0/);
    expect(() => new JsonDecoder(new RecordingSink(), { maxDepth: 1e9 })).toThrow(RangeError);
  });

  it("rejects a negative field limit", () => {
    expect(() => new FormUrlencodedDecoder(new RecordingSink(), { maxFields: -1 })).toThrow(
      /maxFields/,
    );
  });

  it("refuses a write after end", () => {
    const json = new JsonDecoder(new RecordingSink());
    json.end();
    expect(() => json.write(new Uint8Array(1))).toThrow(/after end/);
    const form = new FormUrlencodedDecoder(new RecordingSink());
    form.end();
    expect(() => form.write(new Uint8Array(1))).toThrow(/after end/);
  });
});
