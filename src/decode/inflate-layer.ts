/**
 * One content coding undone by node:zlib (gzip, deflate, br). Node 20 has no supported
 * synchronous incremental API: the sync one-shot functions need the whole body, and the internal
 * `_processChunk` without a callback closes its handle after one call. So a layer drives a zlib
 * Transform stream asynchronously and pulls its output with `read()`: each output piece (at most
 * zlib's 16 KiB chunk) is handed on, and awaited, before the next is read, so the stream's own
 * backpressure keeps memory per layer at about two pieces whatever the expansion.
 *
 * Budgets (a decompression bomb is never buffered, shared case 45), both "limits" anomalies
 * with code `decompression_limit`, after which the layer stops and drops its input:
 * - output past `maxBytes`: the bytes up to the cap are handed on, the rest never produced;
 * - output past `maxRatio` x input, once output exceeds `ratioGraceBytes`. To keep the verdict
 *   independent of how the body was cut (I2), the ratio is checked only at fixed input offsets
 *   (every RATIO_CHECKPOINT bytes, the input is fed exactly up to each one and fully drained)
 *   and at the end, never at chunk edges.
 * Corrupt input is the "protocol" anomaly `content_encoding_corrupt`, then the layer stops.
 */
import zlib from "node:zlib";

export type Coding = "gzip" | "deflate" | "br";

/** What a layer hands its output to; the view may be retained only until the promise settles. */
export type LayerOutput = (bytes: Uint8Array) => void | Promise<void>;

export interface LayerBudget {
  readonly maxBytes: number;
  readonly maxRatio: number;
  readonly ratioGraceBytes: number;
}

export type LayerReport = (kind: "protocol" | "limits", code: string, detail: string) => void;

/** Input offsets at which the expansion ratio is checked. */
export const RATIO_CHECKPOINT = 16 * 1024;

type ZlibStream = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

/** RFC 1950 header: CM 8, window at most 32 KiB, FCHECK makes the pair a multiple of 31. */
function isZlibHeader(cmf: number, flg: number): boolean {
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

export class InflateLayer {
  private stream: ZlibStream | undefined;
  /** First bytes of a deflate body, held until the zlib wrapper can be told from raw deflate. */
  private head: Uint8Array = new Uint8Array(0);
  private input = 0;
  /** Bytes handed to zlib (the input less a held deflate head). */
  private fed = 0;
  private output = 0;
  private stopped = false;
  private failure: Error | undefined;

  constructor(
    private readonly coding: Coding,
    private readonly next: LayerOutput,
    private readonly budget: LayerBudget,
    private readonly report: LayerReport,
  ) {}

  /** True once a budget or corrupt input stopped this layer. */
  get isStopped(): boolean {
    return this.stopped;
  }

  async write(chunk: Uint8Array): Promise<void> {
    let i = 0;
    while (i < chunk.length && !this.stopped) {
      const room = RATIO_CHECKPOINT - (this.input % RATIO_CHECKPOINT);
      const piece = chunk.subarray(i, i + Math.min(room, chunk.length - i));
      i += piece.length;
      await this.feed(piece);
      this.input += piece.length;
      if (this.input % RATIO_CHECKPOINT === 0) this.checkRatio();
    }
  }

  async end(): Promise<void> {
    if (this.stopped) return;
    if (this.stream === undefined && this.head.length === 0) return; // empty body
    if (this.stream === undefined) {
      // A deflate body shorter than 2 bytes: let zlib judge it.
      this.open(this.head);
      const head = this.head;
      this.head = new Uint8Array(0);
      const opened = this.stream as unknown as ZlibStream;
      this.fed += head.length;
      await this.pump(opened, (done) => opened.write(head, done));
      if (this.stopped) return;
    }
    const stream = this.stream as ZlibStream;
    await this.pump(stream, (done) => stream.end(done));
    this.checkTrailingData(stream);
    if (!this.stopped) this.checkRatio();
    this.close();
  }

  /** Releases the zlib handle without finishing (the body was abandoned or cut). */
  close(): void {
    this.stream?.destroy();
    this.stream = undefined;
  }

  private async feed(piece: Uint8Array): Promise<void> {
    let data = piece;
    if (this.head.length > 0) {
      data = Buffer.concat([this.head, piece]);
      this.head = new Uint8Array(0);
    }
    if (this.stream === undefined) {
      if (this.coding === "deflate" && data.length < 2) {
        this.head = Uint8Array.from(data);
        return;
      }
      this.open(data);
    }
    const stream = this.stream as ZlibStream;
    this.fed += data.length;
    await this.pump(stream, (done) => stream.write(data, done));
    this.checkTrailingData(stream);
  }

  /** zlib stops consuming at the end of the compressed stream; anything after it is smuggled. */
  private checkTrailingData(stream: ZlibStream): void {
    if (this.stopped || stream.bytesWritten >= this.fed) return;
    this.stop(
      "protocol",
      "content_encoding_corrupt",
      `${this.coding} data goes on after the end of the compressed stream at offset ${stream.bytesWritten}`,
    );
  }

  /** Creates the zlib stream; `start` is the first input (deflate's wrapper is detected on it). */
  private open(start: Uint8Array): void {
    if (this.coding === "gzip") this.stream = zlib.createGunzip();
    else if (this.coding === "br") this.stream = zlib.createBrotliDecompress();
    else {
      const [cmf, flg] = start;
      const wrapped = cmf !== undefined && flg !== undefined && isZlibHeader(cmf, flg);
      this.stream = wrapped ? zlib.createInflate() : zlib.createInflateRaw();
    }
    this.stream.on("error", (error: Error) => {
      this.failure ??= error;
    });
  }

  /**
   * Starts `action` (a write or the end) and hands on every output piece until the action has
   * completed and the stream's buffer is empty, or the layer stops.
   */
  private pump(stream: ZlibStream, action: (done: () => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let acted = false;
      let draining = false;
      let settled = false;
      const settle = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        stream.off("readable", onEvent);
        stream.off("error", onEvent);
        if (error === undefined) resolve();
        else reject(error);
      };
      const drain = async (): Promise<void> => {
        if (draining || settled) return;
        draining = true;
        while (!this.stopped && this.failure === undefined) {
          const piece: Buffer | null = stream.read();
          if (piece === null) break;
          await this.deliver(piece);
        }
        draining = false;
        if (this.failure !== undefined) this.corrupt();
        if (this.stopped || (acted && stream.readableLength === 0)) settle();
      };
      // A throw from the next stage (a decoder bug) rejects the write: the stream ends (I6).
      const onEvent = (): void => {
        drain().catch(settle);
      };
      stream.on("readable", onEvent);
      stream.on("error", onEvent);
      action(() => {
        acted = true;
        onEvent();
      });
    });
  }

  private async deliver(piece: Uint8Array): Promise<void> {
    const room = this.budget.maxBytes - this.output;
    if (piece.length > room) {
      if (room > 0) await this.next(piece.subarray(0, room));
      this.output = this.budget.maxBytes;
      this.stop(
        "limits",
        "decompression_limit",
        `${this.coding} output passed ${this.budget.maxBytes} bytes`,
      );
      return;
    }
    this.output += piece.length;
    await this.next(piece);
  }

  private checkRatio(): void {
    const { maxRatio, ratioGraceBytes } = this.budget;
    if (this.output > ratioGraceBytes && this.output > maxRatio * this.input) {
      this.stop(
        "limits",
        "decompression_limit",
        `${this.coding} expanded ${this.input} bytes more than ${maxRatio} times`,
      );
    }
  }

  private corrupt(): void {
    if (this.stopped) return;
    const reason = this.failure?.message ?? "unknown error";
    this.stop(
      "protocol",
      "content_encoding_corrupt",
      `${this.coding} data is corrupt near input offset ${this.input}: ${reason}`,
    );
  }

  private stop(kind: "protocol" | "limits", code: string, detail: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.report(kind, code, detail);
    this.close();
  }
}
