/**
 * Content-Encoding decoding in front of the body decoder (I4: see what the application will
 * see). `Content-Encoding: gzip, br` (or two headers `gzip` then `br`) means gzip was applied
 * first, so the body is decoded br first, then gzip. Accepted codings: gzip and x-gzip, deflate
 * (zlib-wrapped or raw, told apart by the first two bytes as browsers and curl do), br;
 * `identity` is ignored.
 *
 * The stage is asynchronous (node:zlib has no supported synchronous streaming API, see
 * inflate-layer.ts): the caller awaits each `write` before answering the body message, and
 * `end` after the last one. Anomalies, reported to the sink:
 * - content_encoding_unknown ("protocol"): a coding weir cannot decode (compress, zstd, a typo)
 *   or more than `maxLayers` codings; the body is not decoded (the caller refuses it: 415);
 * - content_encoding_corrupt ("protocol"): the data does not decode;
 * - decompression_limit ("limits"): output past `maxDecompressedBytes`, or past `maxRatio`
 *   times the input once past `ratioGraceBytes` (the caller refuses it: 413).
 * After any of these nothing more reaches the downstream decoder and its `end` is not called
 * (a cut body must not also read as a truncated structure).
 */
import type { AnomalySink } from "./charset.js";
import { type Coding, InflateLayer, type LayerOutput } from "./inflate-layer.js";
import type { BodyDecoder } from "./types.js";

export interface InflateOptions {
  /** Decoded bytes allowed per body (per coding layer). Default 16 MiB. */
  readonly maxDecompressedBytes?: number;
  /** Largest output/input ratio per layer. Default 100. */
  readonly maxRatio?: number;
  /** Output below this size is never a ratio violation (small bodies compress well). Default 1 MiB. */
  readonly ratioGraceBytes?: number;
  /** Most codings applied to one body. Default 2. */
  readonly maxLayers?: number;
}

export const DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_RATIO = 100;
export const DEFAULT_RATIO_GRACE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_LAYERS = 2;

export interface ContentCodings {
  /** Codings in the order they were applied (header order), identity removed. */
  readonly codings: readonly Coding[];
  /** Some listed coding is not one weir decodes. */
  readonly unknown: boolean;
}

const NAMES: Readonly<Record<string, Coding>> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  br: "br",
};

/** Parses every Content-Encoding header value, in order; names are case-insensitive. */
export function parseContentEncoding(values: readonly string[]): ContentCodings {
  const codings: Coding[] = [];
  let unknown = false;
  for (const value of values) {
    for (const item of value.split(",")) {
      const name = item.trim().toLowerCase();
      if (name === "" || name === "identity") continue;
      const coding = NAMES[name];
      if (coding === undefined) unknown = true;
      else codings.push(coding);
    }
  }
  return { codings, unknown };
}

/** The asynchronous stage the inspector awaits; see the file comment. */
export interface ContentDecoding {
  /**
   * False for a body that cannot be decoded (content_encoding_unknown): its input is dropped,
   * so the caller should scan the raw chunks itself and skip field decoding.
   */
  readonly decodes: boolean;
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<void>;
  /** Releases zlib handles without finishing (exchange closed, body cut by a limit). */
  close(): void;
}

function checked(value: number | undefined, fallback: number, what: string, min: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) {
    throw new RangeError(`content decoding ${what} must be a number >= ${min}, got ${v}`);
  }
  return v;
}

/**
 * The decoding stage for a request's Content-Encoding header values, feeding `downstream`
 * (typically a tee of the raw-body scan and the field decoder); undefined when the body is not
 * encoded. An unusable encoding is reported at once and yields a stage that drops the body.
 */
export function createContentDecoding(
  headerValues: readonly string[],
  downstream: BodyDecoder,
  sink: AnomalySink,
  options: InflateOptions = {},
): ContentDecoding | undefined {
  const budget = {
    maxBytes: checked(options.maxDecompressedBytes, DEFAULT_MAX_DECOMPRESSED_BYTES, "limit", 1),
    maxRatio: checked(options.maxRatio, DEFAULT_MAX_RATIO, "ratio", 1),
    ratioGraceBytes: checked(options.ratioGraceBytes, DEFAULT_RATIO_GRACE_BYTES, "grace", 0),
  };
  const maxLayers = checked(options.maxLayers, DEFAULT_MAX_LAYERS, "maxLayers", 1);
  const { codings, unknown } = parseContentEncoding(headerValues);
  if (!unknown && codings.length === 0) return undefined;
  if (unknown || codings.length > maxLayers) {
    sink.anomaly(
      "protocol",
      "content_encoding_unknown",
      unknown
        ? "Content-Encoding names a coding weir does not decode"
        : `Content-Encoding stacks ${codings.length} codings, more than ${maxLayers}`,
    );
    return new DroppedBody();
  }
  return new LayeredDecoding(codings, downstream, sink, budget);
}

/** A body that cannot be decoded: input is dropped (the raw scan still sees it). */
class DroppedBody implements ContentDecoding {
  readonly decodes = false;
  async write(_chunk: Uint8Array): Promise<void> {}
  async end(): Promise<void> {}
  close(): void {}
}

class LayeredDecoding implements ContentDecoding {
  readonly decodes = true;
  /** Outermost coding first: the last one applied is undone first. */
  private readonly layers: InflateLayer[] = [];

  constructor(
    codings: readonly Coding[],
    private readonly downstream: BodyDecoder,
    sink: AnomalySink,
    budget: ConstructorParameters<typeof InflateLayer>[2],
  ) {
    const report = (kind: "protocol" | "limits", code: string, detail: string): void =>
      sink.anomaly(kind, code, detail);
    let next: LayerOutput = (bytes) => downstream.write(bytes);
    for (const coding of codings) {
      const layer: InflateLayer = new InflateLayer(coding, next, budget, report);
      next = (bytes) => layer.write(bytes);
      this.layers.unshift(layer);
    }
  }

  private get stopped(): boolean {
    return this.layers.some((layer) => layer.isStopped);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.stopped || chunk.length === 0) return;
    await (this.layers[0] as InflateLayer).write(chunk);
  }

  async end(): Promise<void> {
    for (const layer of this.layers) {
      if (this.stopped) break;
      await layer.end();
    }
    if (!this.stopped) this.downstream.end();
    this.close();
  }

  close(): void {
    for (const layer of this.layers) layer.close();
  }
}
