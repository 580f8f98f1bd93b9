/**
 * One request body on its way through inspection. The bytes the application will read (I4) go
 * to two consumers at once: the raw `request_body` scan and the field decoder that the
 * Content-Type (or sniffing) selects. When the body has a Content-Encoding, the wire bytes first
 * pass through the inflate stage and both consumers see the decoded bytes; the compressed bytes
 * themselves are not scanned (they are noise to signatures). An encoding weir cannot decode is
 * reported at the headers; that body keeps the raw scan of its wire bytes and no field decoder.
 *
 * Only the inflate stage is asynchronous (node:zlib): without a Content-Encoding every method
 * completes synchronously and returns undefined, so the common case allocates no promise.
 *
 * A body cut by the inspection limit drops its field decoder and inflate stage without ending
 * them: an end would judge the completeness of bytes that were never inspected
 * (`multipart_unterminated`, `json_syntax`; shared case 10).
 *
 * The raw scan is skipped for a declared multipart body and for a body declared as a binary
 * type unless sniffing finds structure in it (policy in file-content.ts). For the latter the
 * raw bytes are held (at most the sniffer's window) until the sniffer decides.
 */
import { type BodyHeaders, parseContentType, selectBodyDecoder } from "../decode/content-type.js";
import { type ContentDecoding, createContentDecoding } from "../decode/inflate.js";
import { MultipartDecoder } from "../decode/multipart.js";
import { DEFAULT_MAX_SNIFF_BYTES, SniffingDecoder, sniff } from "../decode/sniff.js";
import type { BodyDecoder } from "../decode/types.js";
import type { FieldRouter } from "./field-router.js";
import { isBinaryMediaType } from "./file-content.js";
import type { InspectionLimits } from "./limits.js";
import type { StreamScanner } from "./stream-scanner.js";

/** The request headers that decide how a body is read, as received. */
export interface BodyHeaderValues {
  /** The first Content-Type header. */
  readonly contentType: string | undefined;
  /** Every Content-Encoding header value, in header order. */
  readonly contentEncodings: readonly string[];
  /** The first x-up-devcap-post-charset header. */
  readonly postCharset: string | undefined;
}

/** Raw scan modes: every byte, none, or held until the sniffer decides. */
const RAW_SCAN = 0;
const RAW_SKIP = 1;
const RAW_HELD = 2;

export class RequestBody {
  private fields: BodyDecoder | undefined;
  private decoding: ContentDecoding | undefined;
  private ended = false;
  private rawMode = RAW_SCAN;
  private held: Uint8Array | undefined;
  private heldLength = 0;
  private rawSkipped = 0;
  /** Decoder options with this body's part callback, built once per limits object. */
  private options: InspectionLimits["decoder"] | undefined;
  private optionsFor: InspectionLimits | undefined;

  constructor(
    private readonly raw: StreamScanner,
    private readonly router: FieldRouter,
  ) {}

  /**
   * The declared Content-Type put a field decoder on this body (form, JSON, multipart). A
   * sniffed body does not count: what the sniffer reads is a guess.
   */
  get decodesFields(): boolean {
    return this.fields !== undefined && !(this.fields instanceof SniffingDecoder);
  }

  /** True once the body ended (or there is none); later chunks are ignored. */
  get done(): boolean {
    return this.ended;
  }

  /** Chooses the decoders; anomalies about the headers themselves are reported now. */
  open(headers: BodyHeaderValues, limits: InspectionLimits): void {
    this.router.source = "request_body";
    const type =
      headers.contentType === undefined ? undefined : parseContentType(headers.contentType);
    this.router.multipart = type?.type === "multipart/form-data";
    this.router.joinRepeated =
      this.router.multipart || type?.type === "application/x-www-form-urlencoded";
    const side: BodyHeaders =
      headers.postCharset === undefined ? {} : { postCharset: headers.postCharset };
    this.fields = selectBodyDecoder(
      headers.contentType,
      this.router,
      this.decoderOptions(limits),
      side,
    );
    this.rawMode = RAW_SCAN;
    this.heldLength = 0;
    this.openEncoding(headers, limits);
    if (this.fields instanceof MultipartDecoder) {
      this.rawMode = RAW_SKIP;
    } else if (type !== undefined && isBinaryMediaType(type.type.toLowerCase())) {
      this.rawMode = this.fields instanceof SniffingDecoder ? RAW_HELD : RAW_SKIP;
    }
  }

  /** Body bytes neither raw-scanned nor inspected as fields (binary content, file-content.ts). */
  get skippedBytes(): number {
    return this.rawSkipped + this.router.skippedBytes;
  }

  private decoderOptions(limits: InspectionLimits): InspectionLimits["decoder"] {
    if (this.options === undefined || this.optionsFor !== limits) {
      const multipart = limits.decoder.multipart;
      this.options =
        multipart === undefined
          ? limits.decoder
          : {
              ...limits.decoder,
              multipart: { ...multipart, onPartContent: this.router.onPartContent },
            };
      this.optionsFor = limits;
    }
    return this.options;
  }

  private openEncoding(headers: BodyHeaderValues, limits: InspectionLimits): void {
    if (headers.contentEncodings.length === 0) return;
    const decoded: BodyDecoder = {
      write: (bytes) => this.feed(bytes),
      end: () => this.endFields(),
    };
    const decoding = createContentDecoding(
      headers.contentEncodings,
      decoded,
      this.router,
      limits.inflate,
    );
    if (decoding === undefined) return;
    if (decoding.decodes) {
      this.decoding = decoding;
    } else {
      // Fields cannot be read from bytes weir cannot decode: raw scan of the wire bytes only.
      decoding.close();
      this.fields = undefined;
    }
  }

  /** There is no body (end_of_stream on the headers). */
  skip(): void {
    this.ended = true;
  }

  /**
   * The next inspected part of the body; `cut` says the inspection limit ended inspection in
   * this chunk. Returns a promise only while an inflate stage is active.
   */
  write(part: Uint8Array, cut: boolean, endOfStream: boolean): Promise<void> | undefined {
    const decoding = this.decoding;
    if (decoding !== undefined) return this.writeDecoded(decoding, part, cut, endOfStream);
    if (part.length > 0) this.feed(part);
    if (cut) this.cut();
    return endOfStream ? this.end() : undefined;
  }

  /** The body is complete: end the decoders (they report truncated structures), then the scan. */
  end(): Promise<void> | undefined {
    if (this.ended) return undefined;
    this.ended = true;
    const decoding = this.decoding;
    if (decoding !== undefined) {
      this.decoding = undefined;
      // The stage ends the field decoder itself, unless a budget or corrupt data stopped it.
      return decoding.end().then(() => this.finish());
    }
    this.endFields();
    this.finish();
    return undefined;
  }

  /** Ends the field decoder; a still-held raw prefix is scanned if it has structure. */
  private endFields(): void {
    if (this.rawMode === RAW_HELD) {
      const held = (this.held ?? EMPTY).subarray(0, this.heldLength);
      const found = sniff(held, held.length);
      this.heldLength = 0;
      if (found !== null && found !== undefined) {
        this.rawMode = RAW_SCAN;
        this.scanRaw(held);
      } else {
        this.rawMode = RAW_SKIP;
        this.rawSkipped += held.length;
      }
    }
    this.fields?.end();
  }

  /** Releases the inflate stage (exchange closed); nothing is ended or reported. */
  close(): void {
    this.ended = true;
    this.decoding?.close();
    this.decoding = undefined;
    this.fields = undefined;
  }

  private async writeDecoded(
    decoding: ContentDecoding,
    part: Uint8Array,
    cut: boolean,
    endOfStream: boolean,
  ): Promise<void> {
    if (part.length > 0) await decoding.write(part);
    if (cut) this.cut();
    if (endOfStream) await this.end();
  }

  /** Decoded body bytes: to the raw scan and the field decoder. */
  private feed(bytes: Uint8Array): void {
    if (this.rawMode === RAW_SCAN) {
      this.scanRaw(bytes);
      this.fields?.write(bytes);
      return;
    }
    if (this.rawMode === RAW_SKIP) {
      if (this.fields === undefined) this.rawSkipped += bytes.length;
      this.fields?.write(bytes);
      return;
    }
    this.fields?.write(bytes);
    const decided = this.fields instanceof SniffingDecoder ? this.fields.decided : false;
    if (decided === undefined) {
      this.hold(bytes);
      return;
    }
    const held = (this.held ?? EMPTY).subarray(0, this.heldLength);
    this.heldLength = 0;
    if (decided) {
      this.rawMode = RAW_SCAN;
      if (held.length > 0) this.scanRaw(held);
      this.scanRaw(bytes);
    } else {
      this.rawMode = RAW_SKIP;
      this.rawSkipped += held.length + bytes.length;
      this.fields = undefined;
    }
  }

  private scanRaw(bytes: Uint8Array): void {
    this.raw.resume("");
    this.raw.data(bytes);
  }

  /** Undecided sniffer: it holds less than its window, so this buffer stays as small. */
  private hold(bytes: Uint8Array): void {
    const needed = this.heldLength + bytes.length;
    if (this.held === undefined || needed > this.held.length) {
      const grown = new Uint8Array(Math.max(needed, DEFAULT_MAX_SNIFF_BYTES));
      if (this.held !== undefined) grown.set(this.held.subarray(0, this.heldLength));
      this.held = grown;
    }
    this.held.set(bytes, this.heldLength);
    this.heldLength = needed;
  }

  /** The inspection limit was reached: drop the decoders without ending them (case 10). */
  private cut(): void {
    this.decoding?.close();
    this.decoding = undefined;
    this.fields = undefined;
    this.router.fieldEnd();
  }

  private finish(): void {
    this.fields = undefined;
    this.router.sourceEnd();
    this.raw.end();
  }
}

const EMPTY = new Uint8Array(0);
