/**
 * Loader for the bug-log cases in shared/cases/*.json (format in that folder's README): typed,
 * validated with specific errors, chunk encodings decoded, `generate` entries expanded, and the
 * split-everywhere variants produced lazily. The runner that classifies outcomes lives elsewhere.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BodyMode, type HeaderList, utf8ToByteString } from "../../src/envoy/index.js";
import type { SimConfig, SimExchange } from "./simulator.js";

export type CaseTag = "evasion" | "parser" | "false-positive" | "protocol" | "resource" | "redos";
export type Verdict = "allow" | "block" | "error";
export type ChunkSpec = string | { generate: { pattern: string; bytes: number } };

export interface CaseConfig {
  mode?: "enforce" | "detect";
  requestBodyMode?: BodyMode;
  responseBodyMode?: BodyMode;
  maxBodyBytes?: number;
  maxDecompressedBytes?: number;
  maxJsonDepth?: number;
  inspectionLimitBytes?: number;
  failureModeAllow?: boolean;
  messageTimeoutMs?: number;
}

export interface CaseMessage {
  headers: Array<[string, string]>;
  chunks: ChunkSpec[];
  chunkEncoding: "utf8" | "base64";
  trailers: Array<[string, string]> | null;
}

export interface CaseExpect {
  verdict: Verdict;
  families: string[];
  status: number | null;
  notes: string;
}

export interface CaseVariant {
  name: string;
  config: CaseConfig;
  request: CaseMessage;
  response: CaseMessage | null;
  splitEverywhere: boolean;
  expect: CaseExpect;
}

export interface CaseFile {
  id: string;
  tag: CaseTag;
  summary: string;
  reference: string[];
  variants: CaseVariant[];
  /** Where the file was read from. */
  path: string;
}

/** A message with its chunks decoded to bytes and header values as byte strings. */
export interface ExpandedMessage {
  headers: HeaderList;
  chunks: Uint8Array[];
  trailers: HeaderList | null;
}

/** One exchange to run: the variant as given (split null) or cut in two at byte `split`. */
export interface CaseRun {
  file: CaseFile;
  variant: CaseVariant;
  split: number | null;
  exchange: SimExchange;
  config: SimConfig;
}

export class CaseFormatError extends Error {
  override readonly name = "CaseFormatError";
}

export const FAMILIES = [
  "sqli",
  "xss",
  "rce",
  "lfi",
  "rfi",
  "ssrf",
  "ssti",
  "nosqli",
  "xxe",
  "deserialization",
  "jndi",
  "scanner",
  "protocol",
  "limits",
] as const;

const TAGS: readonly CaseTag[] = [
  "evasion",
  "parser",
  "false-positive",
  "protocol",
  "resource",
  "redos",
];
const BODY_MODES: readonly BodyMode[] = [
  "NONE",
  "STREAMED",
  "BUFFERED",
  "BUFFERED_PARTIAL",
  "FULL_DUPLEX_STREAMED",
];
const CONFIG_KEYS: Record<keyof CaseConfig, "mode" | "bodyMode" | "integer" | "boolean"> = {
  mode: "mode",
  requestBodyMode: "bodyMode",
  responseBodyMode: "bodyMode",
  maxBodyBytes: "integer",
  maxDecompressedBytes: "integer",
  maxJsonDepth: "integer",
  inspectionLimitBytes: "integer",
  failureModeAllow: "boolean",
  messageTimeoutMs: "integer",
};

/** shared/cases, or $WEIR_CASES_DIR. */
export function casesDir(): string {
  return (
    process.env.WEIR_CASES_DIR ?? fileURLToPath(new URL("../../../shared/cases/", import.meta.url))
  );
}

export function loadCases(dir: string = casesDir()): CaseFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => loadCaseFile(join(dir, name)));
}

export function loadCaseFile(path: string): CaseFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CaseFormatError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  return validateFile(raw, path);
}

// ---- validation ----------------------------------------------------------------------------

type Json = Record<string, unknown>;

function fail(where: string, why: string): never {
  throw new CaseFormatError(`${where}: ${why}`);
}

function object(value: unknown, where: string): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    fail(where, "must be an object");
  return value as Json;
}

function string(value: unknown, where: string): string {
  if (typeof value !== "string") fail(where, "must be a string");
  return value;
}

function pairs(value: unknown, where: string): Array<[string, string]> {
  if (!Array.isArray(value)) fail(where, "must be an array of [name, value] pairs");
  return value.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) fail(`${where}[${i}]`, "must be [name, value]");
    const name = string(pair[0], `${where}[${i}][0]`);
    if (name !== name.toLowerCase())
      fail(`${where}[${i}]`, `header name ${JSON.stringify(name)} is not lower-case`);
    return [name, string(pair[1], `${where}[${i}][1]`)];
  });
}

function validateFile(raw: unknown, path: string): CaseFile {
  const file = object(raw, path);
  const id = string(file.id, `${path}: id`);
  const base = path
    .split(/[\\/]/)
    .pop()
    ?.replace(/\.json$/, "");
  if (base !== id) fail(path, `id ${JSON.stringify(id)} does not match the file name`);
  const tag = string(file.tag, `${id}: tag`) as CaseTag;
  if (!TAGS.includes(tag)) fail(`${id}: tag`, `unknown tag ${JSON.stringify(tag)}`);
  if (!Array.isArray(file.reference)) fail(`${id}: reference`, "must be an array of URLs");
  if (!Array.isArray(file.variants) || file.variants.length === 0)
    fail(`${id}: variants`, "must be a non-empty array");
  const variants = file.variants.map((v, i) => validateVariant(v, `${id}: variants[${i}]`));
  const names = new Set<string>();
  for (const v of variants) {
    if (names.has(v.name)) fail(`${id}`, `variant name ${JSON.stringify(v.name)} is not unique`);
    names.add(v.name);
  }
  return {
    id,
    tag,
    summary: string(file.summary, `${id}: summary`),
    reference: file.reference.map((r, i) => string(r, `${id}: reference[${i}]`)),
    variants,
    path,
  };
}

function validateVariant(raw: unknown, where: string): CaseVariant {
  const v = object(raw, where);
  const name = string(v.name, `${where}.name`);
  const at = `${where} (${name})`;
  if (typeof v.splitEverywhere !== "boolean") fail(`${at}.splitEverywhere`, "must be a boolean");
  return {
    name,
    config: validateConfig(v.config, `${at}.config`),
    request: validateMessage(v.request, `${at}.request`),
    response: v.response === null ? null : validateMessage(v.response, `${at}.response`),
    splitEverywhere: v.splitEverywhere,
    expect: validateExpect(v.expect, `${at}.expect`),
  };
}

function validateConfig(raw: unknown, where: string): CaseConfig {
  const config = object(raw, where);
  for (const [key, value] of Object.entries(config)) {
    const kind = CONFIG_KEYS[key as keyof CaseConfig];
    if (kind === undefined) fail(where, `unknown key ${JSON.stringify(key)}`);
    const ok =
      kind === "mode"
        ? value === "enforce" || value === "detect"
        : kind === "bodyMode"
          ? BODY_MODES.includes(value as BodyMode)
          : kind === "integer"
            ? Number.isInteger(value) && (value as number) >= 0
            : typeof value === "boolean";
    if (!ok) fail(`${where}.${key}`, `invalid value ${JSON.stringify(value)}`);
  }
  return config as CaseConfig;
}

function validateMessage(raw: unknown, where: string): CaseMessage {
  const m = object(raw, where);
  const encoding = m.chunkEncoding;
  if (encoding !== "utf8" && encoding !== "base64")
    fail(`${where}.chunkEncoding`, "must be utf8 or base64");
  if (!Array.isArray(m.chunks)) fail(`${where}.chunks`, "must be an array");
  const message: CaseMessage = {
    headers: pairs(m.headers, `${where}.headers`),
    chunks: m.chunks as ChunkSpec[],
    chunkEncoding: encoding,
    trailers: m.trailers === null ? null : pairs(m.trailers, `${where}.trailers`),
  };
  // Each chunk is checked; generate entries are not expanded here.
  message.chunks.forEach((chunk, i) => {
    const at = `${where}.chunks[${i}]`;
    if (typeof chunk === "string") decodeText(chunk, encoding, at);
    else parseGenerate(chunk, encoding, at);
  });
  return message;
}

function validateExpect(raw: unknown, where: string): CaseExpect {
  const e = object(raw, where);
  const verdict = e.verdict;
  if (verdict !== "allow" && verdict !== "block" && verdict !== "error")
    fail(`${where}.verdict`, "must be allow, block or error");
  if (!Array.isArray(e.families)) fail(`${where}.families`, "must be an array");
  for (const f of e.families) {
    if (!FAMILIES.includes(f as (typeof FAMILIES)[number]))
      fail(`${where}.families`, `unknown family ${JSON.stringify(f)}`);
  }
  if (e.status !== null && !Number.isInteger(e.status))
    fail(`${where}.status`, "must be an integer or null");
  if (verdict === "allow" && (e.status !== null || e.families.length > 0)) {
    fail(where, "an allow verdict has status null and no families");
  }
  if (verdict === "block" && e.status !== 403) fail(`${where}.status`, "a block is a 403");
  return {
    verdict,
    families: e.families as string[],
    status: e.status as number | null,
    notes: string(e.notes, `${where}.notes`),
  };
}

// ---- expansion -----------------------------------------------------------------------------

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeText(text: string, encoding: "utf8" | "base64", where: string): Uint8Array {
  if (encoding === "utf8") return Buffer.from(text, "utf8");
  if (!BASE64.test(text)) fail(where, "is not standard padded base64");
  return Buffer.from(text, "base64");
}

export function decodeChunk(
  chunk: ChunkSpec,
  encoding: "utf8" | "base64",
  where = "chunk",
): Uint8Array {
  if (typeof chunk === "string") return decodeText(chunk, encoding, where);
  const { pattern, size } = parseGenerate(chunk, encoding, where);
  // Buffer.alloc repeats the fill pattern and cuts it at the end.
  return size === 0 ? new Uint8Array(0) : Buffer.alloc(size, pattern);
}

function parseGenerate(
  chunk: unknown,
  encoding: "utf8" | "base64",
  where: string,
): { pattern: Uint8Array; size: number } {
  const generate = object(object(chunk, where).generate, `${where}.generate`);
  const at = `${where}.generate`;
  const pattern = decodeText(string(generate.pattern, `${at}.pattern`), encoding, `${at}.pattern`);
  const size = generate.bytes;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0) {
    fail(`${at}.bytes`, "must be a non-negative integer");
  }
  if (pattern.length === 0 && size > 0) fail(`${at}.pattern`, "is empty");
  return { pattern, size };
}

export function expandMessage(message: CaseMessage): ExpandedMessage {
  const bytes = (pairsIn: Array<[string, string]>): HeaderList =>
    pairsIn.map(([name, value]) => [name, utf8ToByteString(value)]);
  return {
    headers: bytes(message.headers),
    chunks: message.chunks.map((c, i) => decodeChunk(c, message.chunkEncoding, `chunks[${i}]`)),
    trailers: message.trailers === null ? null : bytes(message.trailers),
  };
}

/** The whole request body B (all chunks concatenated). */
export function requestBody(variant: CaseVariant): Uint8Array {
  return Buffer.concat(expandMessage(variant.request).chunks);
}

/** Simulator settings from a variant's config (defaults per the cases README). */
export function simulatorConfig(config: CaseConfig): SimConfig {
  const sim: SimConfig = {
    requestBodyMode: config.requestBodyMode ?? "STREAMED",
    responseBodyMode: config.responseBodyMode ?? "NONE",
    failureModeAllow: config.failureModeAllow ?? false,
    messageTimeoutMs: config.messageTimeoutMs ?? 200,
  };
  return sim;
}

export interface RunOptions {
  /** Offsets to use instead of every offset 1..len-1 (for large bodies the notes sample). */
  offsets?: (bodyLength: number) => Iterable<number>;
}

/**
 * The runs a variant asks for: as given first, then (splitEverywhere) the request body cut in
 * two at every offset k in 1..len(B)-1, same headers, trailers, config and response.
 */
export function* runsOf(
  file: CaseFile,
  variant: CaseVariant,
  options: RunOptions = {},
): Generator<CaseRun> {
  const request = expandMessage(variant.request);
  const response = variant.response === null ? null : expandMessage(variant.response);
  const config = simulatorConfig(variant.config);
  const make = (chunks: Uint8Array[], split: number | null): CaseRun => ({
    file,
    variant,
    split,
    config,
    exchange: {
      requestHeaders: request.headers,
      requestChunks: chunks,
      requestTrailers: request.trailers,
      responseHeaders: response?.headers ?? null,
      responseChunks: response?.chunks ?? [],
      responseTrailers: response?.trailers ?? null,
    },
  });
  yield make(request.chunks, null);
  if (!variant.splitEverywhere) return;
  const body = Buffer.concat(request.chunks);
  const offsets = options.offsets?.(body.length) ?? range(1, body.length);
  for (const k of offsets) {
    if (k < 1 || k >= body.length) continue;
    yield make([body.subarray(0, k), body.subarray(k)], k);
  }
}

function* range(from: number, to: number): Generator<number> {
  for (let k = from; k < to; k++) yield k;
}
