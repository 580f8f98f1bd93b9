/**
 * Decoder throughput per body kind, 64 KiB chunks (issue 4, "Done when": the closing note lists
 * MB/s for each body kind). Two figures per kind, both in-process on one core:
 * - decode: the field decoder the Content-Type selects (selectBodyDecoder with the default
 *   limits, Content-Encoding undone first for gzip) into a sink that only counts bytes: what
 *   decoding alone costs;
 * - inspect: the whole request path (engine.openExchange, request.headers, request.body per
 *   chunk) with the built-in signatures at paranoia 1: decoding plus the raw and field scans.
 * Bodies are benign and deterministic (bench/harness/benign-bodies.ts for raw, form and JSON;
 * multipart and XML made here from the same text; 256 KiB each, which keeps forms under the
 * default limit of 1000 fields); MB/s counts decoded body bytes (for gzip the
 * inflated JSON, the wire bytes are about a third). Each figure is the median of ROUNDS timed
 * runs of `--seconds` each (default 1), after one warm-up run.
 *
 *   node --import tsx bench/decoders.ts [--seconds S] [--decode-only]
 *
 * Not part of `npm run bench` (bench/run.ts); a section there could call measure() below.
 */
import zlib from "node:zlib";
import { selectBodyDecoder } from "../src/decode/content-type.js";
import { createContentDecoding } from "../src/decode/inflate.js";
import type { BodyDecoder, FieldSink } from "../src/decode/types.js";
import type { CompiledEngine } from "../src/inspect/engine.js";
import { DEFAULT_LIMITS } from "../src/inspect/limits.js";
import { type HeaderEntry, isPending } from "../src/inspect/types.js";
import { benignBody } from "./harness/benign-bodies.js";
import { compileBuiltin, DEFAULT_PARANOIA, loadBuiltin } from "./harness/signature-set.js";

const CHUNK = 64 * 1024;
const BODY_BYTES = 256 * 1024;
const BODIES = 8;
const ROUNDS = 3;

type Kind = "raw" | "form" | "json" | "multipart" | "xml" | "gzip";

interface Corpus {
  readonly kind: Kind;
  readonly contentType: string;
  readonly contentEncoding?: string;
  /** Bodies as sent (gzip: compressed). */
  readonly bodies: readonly Buffer[];
  /** Decoded bytes per body, for MB/s. */
  readonly decodedBytes: number;
}

const BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

/** Text fields and one text file per part group, cut to exactly `size` bytes. */
function multipartBody(seed: number, size: number): Buffer {
  const text = benignBody("raw", size, seed).toString("latin1");
  const parts: string[] = [];
  let used = 0;
  for (let i = 0, at = 0; used < size - 512; i++) {
    const length = 200 + ((seed * 7919 + i * 104729) % 3000);
    const value = text.slice(at, at + length);
    at = (at + length) % (text.length - 4000);
    const file = i % 5 === 4;
    const head =
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="field_${i}"` +
      (file ? `; filename="notes_${i}.txt"\r\nContent-Type: text/plain` : "") +
      "\r\n\r\n";
    const part = `${head}${value}\r\n`;
    if (used + part.length + 64 > size) break;
    parts.push(part);
    used += part.length;
  }
  const close = `--${BOUNDARY}--\r\n`;
  const filler = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="pad"\r\n\r\n`;
  const room = size - used - close.length - filler.length - 2;
  return Buffer.from(
    `${parts.join("")}${filler}${"x".repeat(Math.max(room, 0))}\r\n${close}`,
    "latin1",
  );
}

/** A SOAP-like document of records with attributes and text, padded to `size` bytes. */
function xmlBody(seed: number, size: number): Buffer {
  const text = benignBody("raw", size, seed).toString("latin1").replaceAll("&", "and");
  const head =
    '<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="urn:s"><s:Body><orders>';
  const tail = "</orders></s:Body></s:Envelope>";
  const records: string[] = [];
  let used = head.length + tail.length;
  for (let i = 0, at = 0; ; i++) {
    const note = text.slice(at, at + 100 + (i % 7) * 60).replaceAll("<", " ");
    at = (at + 500) % (text.length - 1000);
    const record =
      `\n  <order id="${i}" status="shipped"><customer>Customer ${i}</customer>` +
      `<note>${note}</note><total currency="EUR">${(i * 13.37).toFixed(2)}</total></order>`;
    if (used + record.length > size) break;
    records.push(record);
    used += record.length;
  }
  return Buffer.from(`${head}${records.join("")}${" ".repeat(size - used)}${tail}`, "latin1");
}

function corpora(): Corpus[] {
  const seeds = Array.from({ length: BODIES }, (_, i) => i + 1);
  const json = seeds.map((s) => benignBody("json", BODY_BYTES, s));
  return [
    {
      kind: "raw",
      contentType: "text/plain",
      bodies: seeds.map((s) => benignBody("raw", BODY_BYTES, s)),
      decodedBytes: BODY_BYTES,
    },
    {
      kind: "form",
      contentType: "application/x-www-form-urlencoded",
      bodies: seeds.map((s) => benignBody("form", BODY_BYTES, s)),
      decodedBytes: BODY_BYTES,
    },
    { kind: "json", contentType: "application/json", bodies: json, decodedBytes: BODY_BYTES },
    {
      kind: "multipart",
      contentType: `multipart/form-data; boundary=${BOUNDARY}`,
      bodies: seeds.map((s) => multipartBody(s, BODY_BYTES)),
      decodedBytes: BODY_BYTES,
    },
    {
      kind: "xml",
      contentType: "application/xml",
      bodies: seeds.map((s) => xmlBody(s, BODY_BYTES)),
      decodedBytes: BODY_BYTES,
    },
    {
      kind: "gzip",
      contentType: "application/json",
      contentEncoding: "gzip",
      bodies: json.map((b) => zlib.gzipSync(b)),
      decodedBytes: BODY_BYTES,
    },
  ];
}

/** A sink that touches every byte handed to it, as a scanner would, and keeps nothing. */
class CountingSink implements FieldSink {
  bytes = 0;
  fields = 0;
  fieldStart(): void {
    this.fields++;
  }
  fieldData(bytes: Uint8Array): void {
    this.bytes += bytes.length;
  }
  fieldEnd(): void {}
  anomaly(_kind: string, code: string, detail: string): void {
    throw new Error(`benign body raised ${code}: ${detail}`);
  }
}

async function decodeOnce(corpus: Corpus, body: Buffer): Promise<void> {
  const sink = new CountingSink();
  const decoder = selectBodyDecoder(corpus.contentType, sink, DEFAULT_LIMITS.decoder) ?? {
    write: () => {},
    end: () => {},
  };
  if (corpus.contentEncoding === undefined) {
    for (let off = 0; off < body.length; off += CHUNK)
      decoder.write(body.subarray(off, off + CHUNK));
    decoder.end();
    return;
  }
  const stage = createContentDecoding(
    [corpus.contentEncoding],
    decoder as BodyDecoder,
    sink,
    DEFAULT_LIMITS.inflate,
  );
  if (stage === undefined) throw new Error("gzip body without a decoding stage");
  for (let off = 0; off < body.length; off += CHUNK)
    await stage.write(body.subarray(off, off + CHUNK));
  await stage.end();
}

const encoder = new TextEncoder();

function headersOf(corpus: Corpus): HeaderEntry[] {
  const pairs: [string, string][] = [
    [":method", "POST"],
    [":scheme", "http"],
    [":authority", "shop.example.test"],
    [":path", "/api/v1/orders?source=web"],
    ["content-type", corpus.contentType],
    ["user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
  ];
  if (corpus.contentEncoding !== undefined)
    pairs.push(["content-encoding", corpus.contentEncoding]);
  return pairs.map(([key, value]) => ({ key, value: encoder.encode(value) }));
}

async function inspectOnce(engine: CompiledEngine, corpus: Corpus, body: Buffer): Promise<void> {
  const exchange = engine.openExchange();
  exchange.request.headers(headersOf(corpus), false);
  for (let off = 0; off < body.length; off += CHUNK) {
    const end = Math.min(off + CHUNK, body.length);
    const found = exchange.request.body(body.subarray(off, end), end === body.length);
    const matches = isPending(found) ? await found : found;
    if (matches.length > 0)
      throw new Error(`benign ${corpus.kind} body matched ${matches[0]?.signatureId}`);
  }
  exchange.close();
}

/**
 * MB of decoded bytes per CPU-second of this process (user + system, zlib's threads included):
 * median of ROUNDS runs of `seconds` each. CPU time, not wall time, because the machines these
 * run on are shared: other processes stretch wall time, not the CPU this work needs.
 */
export async function measure(
  corpus: Corpus,
  once: (body: Buffer) => Promise<void>,
  seconds: number,
): Promise<number> {
  const rates: number[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    let bytes = 0;
    const cpu = process.cpuUsage();
    const deadline = performance.now() + (round < 0 ? 200 : seconds * 1000);
    for (let i = 0; performance.now() < deadline; i = (i + 1) % corpus.bodies.length) {
      await once(corpus.bodies[i] as Buffer);
      bytes += corpus.decodedBytes;
    }
    const used = process.cpuUsage(cpu);
    if (round >= 0) rates.push(bytes / ((used.user + used.system) / 1e6) / 1e6);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--seconds");
  const seconds = at >= 0 ? Number(args[at + 1]) : 1;
  if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got ${args[at + 1]}`);
  const decodeOnly = args.includes("--decode-only");
  const all = corpora();
  const engine = decodeOnly ? undefined : compileBuiltin(await loadBuiltin(), DEFAULT_PARANOIA);
  const rows = ["| body kind | decode MB/s | inspect MB/s |", "|---|---:|---:|"];
  for (const corpus of all) {
    process.stderr.write(`${corpus.kind}\n`);
    const decode = await measure(corpus, (body) => decodeOnce(corpus, body), seconds);
    const inspect =
      engine === undefined
        ? undefined
        : await measure(corpus, (body) => inspectOnce(engine, corpus, body), seconds);
    rows.push(
      `| ${corpus.kind} | ${decode.toFixed(0)} | ${inspect === undefined ? "-" : inspect.toFixed(0)} |`,
    );
  }
  process.stdout.write(
    `${rows.join("\n")}\n\n64 KiB chunks, 256 KiB bodies, median of ${ROUNDS} x ${seconds} s, MB per CPU-second.\n`,
  );
}

await main();
