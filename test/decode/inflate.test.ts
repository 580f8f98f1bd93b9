/**
 * Walks test/fixtures/decode/inflate/*.json: Content-Encoding vectors. A vector's body is either
 * given (`input`, e.g. the gzip bytes of shared cases 42 and 45) or made here with node:zlib
 * from a plain text (`plain` compressed by each coding of `encode` in turn, optionally followed
 * by seeded `noise` bytes, a second member, raw trailing bytes, or cut short). Each vector runs
 * whole and at every chunking of support/splits.ts; the anomalies, the decoded output (length
 * and SHA-256) and whether the downstream decoder was ended must not depend on the chunking.
 */
import { createHash } from "node:crypto";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { createContentDecoding, type InflateOptions } from "../../src/decode/inflate.js";
import type { AnomalyKind } from "../../src/decode/types.js";
import { type ByteSpec, bytesOf } from "./support/bytes.js";
import { fixtureFiles, loadFixture } from "./support/fixtures.js";
import { Prng } from "./support/prng.js";
import { RecordingSink } from "./support/recording-sink.js";
import { chunkings } from "./support/splits.js";

type Encoder = "gzip" | "deflate" | "deflate-raw" | "br";

interface InflateVector {
  readonly name: string;
  readonly source?: string;
  readonly contentEncoding: readonly string[];
  readonly options?: InflateOptions;
  readonly input?: ByteSpec;
  readonly repeatInput?: number;
  readonly encode?: readonly Encoder[];
  readonly plain?: ByteSpec;
  readonly noise?: { readonly seed: number; readonly bytes: number };
  readonly append?: { readonly encode: readonly Encoder[]; readonly plain: ByteSpec };
  readonly appendRaw?: ByteSpec;
  readonly truncate?: number;
  readonly output?: ByteSpec;
  readonly outputBytes?: number;
  /** The decoded output may differ by chunking (zlib drops output it had when it errors). */
  readonly outputVaries?: boolean;
  readonly anomalies: readonly [AnomalyKind, string][];
}

function encode(plain: Uint8Array, encoders: readonly Encoder[]): Uint8Array {
  let bytes: Uint8Array = plain;
  for (const encoder of encoders) {
    if (encoder === "gzip") bytes = zlib.gzipSync(bytes);
    else if (encoder === "deflate") bytes = zlib.deflateSync(bytes);
    else if (encoder === "deflate-raw") bytes = zlib.deflateRawSync(bytes);
    else bytes = zlib.brotliCompressSync(bytes);
  }
  return bytes;
}

function noise(seed: number, length: number): Uint8Array {
  const rng = new Prng(seed);
  const bytes = new Uint8Array(length);
  for (let k = 0; k < length; k++) bytes[k] = rng.int(256);
  return bytes;
}

function bodyOf(vector: InflateVector): Uint8Array {
  if (vector.input !== undefined) {
    const input = bytesOf(vector.input);
    return Buffer.concat(Array.from({ length: vector.repeatInput ?? 1 }, () => input));
  }
  let plain = bytesOf(vector.plain ?? "");
  if (vector.noise !== undefined) {
    plain = Buffer.concat([plain, noise(vector.noise.seed, vector.noise.bytes)]);
  }
  let body = encode(plain, vector.encode ?? []);
  if (vector.append !== undefined) {
    body = Buffer.concat([body, encode(bytesOf(vector.append.plain), vector.append.encode)]);
  }
  if (vector.appendRaw !== undefined) body = Buffer.concat([body, bytesOf(vector.appendRaw)]);
  if (vector.truncate !== undefined) body = body.subarray(0, body.length - vector.truncate);
  return body;
}

interface Outcome {
  readonly anomalies: [AnomalyKind, string][];
  readonly outputBytes: number;
  readonly digest: string;
  readonly ended: boolean;
  readonly output: Buffer | undefined;
}

async function run(vector: InflateVector, chunks: readonly Uint8Array[]): Promise<Outcome> {
  const sink = new RecordingSink();
  const hash = createHash("sha256");
  const kept: Buffer[] = [];
  let outputBytes = 0;
  let ended = false;
  const keep = vector.output !== undefined;
  const downstream = {
    write(bytes: Uint8Array): void {
      if (ended) throw new Error("write after end");
      hash.update(bytes);
      outputBytes += bytes.length;
      if (keep) kept.push(Buffer.from(bytes));
    },
    end(): void {
      ended = true;
    },
  };
  const stage = createContentDecoding(vector.contentEncoding, downstream, sink, vector.options);
  if (stage === undefined) throw new Error("the body should be encoded");
  const refused = vector.anomalies.some(([, code]) => code === "content_encoding_unknown");
  if (stage.decodes === refused) throw new Error(`decodes is ${stage.decodes}`);
  for (const chunk of chunks) await stage.write(chunk);
  await stage.end();
  return {
    anomalies: sink.anomalies.map(([kind, code]) => [kind, code]),
    outputBytes,
    digest: hash.digest("hex"),
    ended,
    output: keep ? Buffer.concat(kept) : undefined,
  };
}

function comparable(outcome: Outcome, vector: InflateVector): unknown {
  const { output: _output, ...rest } = outcome;
  return vector.outputVaries ? { anomalies: rest.anomalies, ended: rest.ended } : rest;
}

for (const file of fixtureFiles("inflate")) {
  const fixture = loadFixture<{ vectors: InflateVector[] }>(`inflate/${file}`);
  describe(`content decoding (${file})`, () => {
    for (const vector of fixture.vectors) {
      const title = vector.source ? `${vector.name} [${vector.source}]` : vector.name;
      it(title, async () => {
        const body = bodyOf(vector);
        const whole = await run(vector, [body]);
        expect(whole.anomalies).toEqual(vector.anomalies);
        if (vector.output !== undefined) {
          expect(whole.output?.toString("latin1")).toBe(
            Buffer.from(bytesOf(vector.output)).toString("latin1"),
          );
        }
        if (vector.outputBytes !== undefined) expect(whole.outputBytes).toBe(vector.outputBytes);
        // The downstream decoder is ended exactly when nothing went wrong.
        expect(whole.ended).toBe(vector.anomalies.length === 0);
        const expected = JSON.stringify(comparable(whole, vector));
        for (const { label, chunks } of chunkings(body, title)) {
          const split = await run(vector, chunks);
          if (JSON.stringify(comparable(split, vector)) !== expected) {
            expect(comparable(split, vector), `split-invariance broken (${label})`).toEqual(
              comparable(whole, vector),
            );
          }
        }
      });
    }
  });
}

describe("content decoding setup", () => {
  const downstream = { write(): void {}, end(): void {} };

  it("needs no stage for a body without a coding", () => {
    expect(createContentDecoding([], downstream, new RecordingSink())).toBeUndefined();
    expect(
      createContentDecoding(["identity", " "], downstream, new RecordingSink()),
    ).toBeUndefined();
  });

  it("rejects budgets that cannot work", () => {
    const sink = new RecordingSink();
    expect(() =>
      createContentDecoding(["gzip"], downstream, sink, { maxDecompressedBytes: 0 }),
    ).toThrow(/limit must be a number >= 1, got 0/);
    expect(() =>
      createContentDecoding(["gzip"], downstream, sink, { maxRatio: Number.NaN }),
    ).toThrow(RangeError);
  });

  it("rejects the write when the downstream decoder throws", async () => {
    const failing = {
      write(): void {
        throw new Error("decoder bug");
      },
      end(): void {},
    };
    const stage = createContentDecoding(["gzip"], failing, new RecordingSink());
    await expect(stage?.write(zlib.gzipSync(Buffer.from("x")))).rejects.toThrow(/decoder bug/);
    stage?.close();
  });
});
