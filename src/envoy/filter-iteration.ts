/**
 * How Envoy's filter manager moves one direction's headers, body and trailers past the ext_proc
 * filter: held headers, the filter manager's body buffer, held trailers, "continue" and "inject
 * data", emulated for a filter chain where ext_proc is the only filter before the router (or the
 * codec). The ext_proc state machine decides; this class only releases bytes to the FlowSink, in
 * order, with exactly one end of stream.
 */
import { cloneHeaders } from "./headers.js";
import type { FlowSink, HeaderList } from "./types.js";

export type HeadersStatus = "continue" | "stop";
export type DataStatus = "continue" | "stop_and_buffer" | "stop_and_watermark" | "stop_no_buffer";

export class FilterIteration {
  private headers: HeaderList | null = null;
  private headersContinued = false;
  private buffer: Uint8Array[] | null = null;
  private bufferBytes = 0;
  private trailers: HeaderList | null = null;
  private trailersPassed = false;
  private stopped = false;
  private inputComplete = false;
  private outputEnded = false;
  private dead = false;
  private watermarks = new Set<string>();

  constructor(
    private readonly sink: FlowSink,
    private readonly bufferLimit: number,
    /** The filter manager's buffer went over the limit outside a watermark: 413 / 500. */
    private readonly onBufferTooLarge: () => void,
  ) {}

  /** Headers have been released downstream of the filter. */
  get headersReleased(): boolean {
    return this.headersContinued;
  }

  get ended(): boolean {
    return this.outputEnded;
  }

  /** The filter manager's buffered body (Envoy's `bufferedData()`), or null when none exists. */
  get bufferedData(): Uint8Array | null {
    if (this.buffer === null) return null;
    const joined = Buffer.concat(this.buffer);
    this.buffer = [joined];
    return joined;
  }

  get bufferedBytes(): number {
    return this.bufferBytes;
  }

  /** Replaces the buffered body (modifyBufferedData); null removes the buffer. */
  setBufferedData(bytes: Uint8Array | null): void {
    this.buffer = bytes === null ? null : [bytes];
    this.bufferBytes = bytes?.length ?? 0;
  }

  /** addDecodedData: the filter adds to the buffer itself (subject to the buffer limit). */
  addBufferedData(bytes: Uint8Array): void {
    this.appendBuffer(bytes);
    if (this.bufferBytes > this.bufferLimit) this.onBufferTooLarge();
  }

  onHeaders(headers: HeaderList, endOfStream: boolean, status: HeadersStatus): void {
    this.headers = headers;
    if (endOfStream) this.inputComplete = true;
    if (status === "stop") {
      this.stopped = true;
      return;
    }
    this.headersContinued = true;
    this.emitHeaders(endOfStream);
  }

  onData(chunk: Uint8Array, endOfStream: boolean, status: DataStatus): void {
    if (endOfStream) this.inputComplete = true;
    switch (status) {
      case "continue":
        if (this.stopped) {
          this.appendBuffer(chunk);
          this.continueIteration();
        } else {
          this.emitData(chunk, endOfStream);
        }
        return;
      case "stop_and_buffer":
      case "stop_and_watermark":
        this.stopped = true;
        this.appendBuffer(chunk);
        if (this.bufferBytes <= this.bufferLimit) return;
        if (status === "stop_and_watermark") this.setWatermark("buffer", true);
        else this.onBufferTooLarge();
        return;
      case "stop_no_buffer":
        this.stopped = true;
        // An empty buffer makes a later continue carry end_stream (filter manager behaviour).
        if (endOfStream && this.trailers === null && this.buffer === null) this.buffer = [];
        return;
    }
  }

  onTrailers(trailers: HeaderList, status: HeadersStatus): void {
    this.trailers = trailers;
    this.inputComplete = true;
    if (status === "stop") {
      this.stopped = true;
      return;
    }
    if (this.stopped) this.continueIteration();
    else this.emitTrailers();
  }

  /** continueDecoding/continueEncoding: headers, then buffered body, then trailers. */
  continueIteration(): void {
    this.stopped = false;
    if (!this.headersContinued) {
      this.headersContinued = true;
      this.emitHeaders(this.inputComplete && this.buffer === null && this.trailers === null);
    }
    if (this.buffer !== null) {
      const data = Buffer.concat(this.buffer);
      this.buffer = null;
      this.bufferBytes = 0;
      this.setWatermark("buffer", false);
      this.emitData(data, this.inputComplete && this.trailers === null);
    }
    if (this.trailers !== null) this.emitTrailers();
  }

  /** injectDecodedDataToFilterChain: releases headers first if they are still held. */
  inject(chunk: Uint8Array, endOfStream: boolean): void {
    if (!this.headersContinued) {
      this.headersContinued = true;
      this.emitHeaders(false);
    }
    this.emitData(chunk, endOfStream);
  }

  /** Watermarks from several sources (held buffer, chunk queue) seen by the source as one. */
  setWatermark(source: string, above: boolean): void {
    const before = this.watermarks.size > 0;
    if (above) this.watermarks.add(source);
    else this.watermarks.delete(source);
    const after = this.watermarks.size > 0;
    if (before !== after && !this.dead) this.sink.watermark?.(after);
  }

  /** A local reply or reset ended the exchange: nothing more is released. */
  kill(): void {
    this.dead = true;
  }

  private appendBuffer(chunk: Uint8Array): void {
    if (this.buffer === null) this.buffer = [];
    if (chunk.length > 0) this.buffer.push(chunk);
    this.bufferBytes += chunk.length;
  }

  private emitHeaders(endOfStream: boolean): void {
    if (this.dead || this.outputEnded || this.headers === null) return;
    if (endOfStream) this.outputEnded = true;
    this.sink.headers(cloneHeaders(this.headers), endOfStream);
  }

  private emitData(chunk: Uint8Array, endOfStream: boolean): void {
    if (this.dead || this.outputEnded) return;
    if (chunk.length === 0 && !endOfStream) return;
    if (endOfStream) this.outputEnded = true;
    this.sink.data(chunk, endOfStream);
  }

  private emitTrailers(): void {
    if (this.dead || this.outputEnded || this.trailersPassed || this.trailers === null) return;
    this.trailersPassed = true;
    this.outputEnded = true;
    this.sink.trailers(cloneHeaders(this.trailers));
  }
}
