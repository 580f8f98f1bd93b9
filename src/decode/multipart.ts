/**
 * Streaming, strict multipart/form-data decoder (RFC 7578 over RFC 2046). For each part it
 * emits the field name as an `args_names` field, every file name reading as an `args` field
 * named `<name>.filename` (so restricted-extension signatures see `run.php` however it was
 * spelled, shared case 06), and the content as an `args` field named by the part's name, file
 * contents included (up to `maxFileBytes` per file part; the rest is skipped and counted).
 * Non-empty text before the first delimiter or after the close delimiter is emitted as the
 * fields `__preamble` / `__epilogue`, so that a body never yields zero inspected arguments
 * (shared case 02).
 *
 * Strict on framing only (delimiter lines and part headers, never part content: shared case
 * 05); every violation is a "protocol" anomaly reported once per body, and decoding goes on:
 * - multipart_preamble: text other than whitespace before the first delimiter;
 * - multipart_delimiter_padding: spaces or tabs after a delimiter (legal, never sent by clients);
 * - multipart_delimiter_syntax: a delimiter followed by something other than CRLF or "--";
 * - multipart_bare_lf: a framing line ended by LF alone, or a delimiter after LF alone;
 * - multipart_close_delimiter_first / multipart_epilogue: text after the close delimiter, when
 *   no part came before it (shared case 02) / after parts;
 * - multipart_unterminated: the body ended before the close delimiter (shared case 10);
 * - part header problems from multipart-headers.ts and content-disposition.ts, and
 *   multipart_missing_disposition for a part without Content-Disposition.
 * Limits ("limits" anomalies, then decoding stops; the raw body scan still covers the rest):
 * multipart_part_count past `maxParts`, multipart_header_limit past `maxHeaderBytes`.
 */
import { CharsetPolicy } from "./charset.js";
import { CharsetFieldSink } from "./charset-field.js";
import { DelimiterScanner } from "./multipart-delimiter.js";
import { PartFields } from "./multipart-fields.js";
import {
  HEADERS_MORE,
  HEADERS_OVER_LIMIT,
  PartHeaderReader,
  type PartHeaders,
} from "./multipart-headers.js";
import type { AnomalyKind, BodyDecoder, FieldSink } from "./types.js";

export interface MultipartOptions {
  /** Parts decoded before a "limits" anomaly stops decoding. Default 1000. */
  readonly maxParts?: number;
  /** Content bytes inspected per file part (one with a file name). Default 1 MiB. */
  readonly maxFileBytes?: number;
  /** Bytes in one part's header block. Default 8 KiB. */
  readonly maxHeaderBytes?: number;
  /**
   * Called when a part's content field has just opened, before its first byte, with the part's
   * headers: lets the sink treat file content by its declared type (inspect/file-content.ts).
   */
  readonly onPartContent?: (headers: PartHeaders) => void;
}

export const DEFAULT_MAX_PARTS = 1000;
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_PART_HEADER_BYTES = 8 * 1024;

export { EPILOGUE_FIELD, FILENAME_SUFFIX, PREAMBLE_FIELD } from "./multipart-fields.js";

const PREAMBLE = 0;
const AFTER_DELIMITER = 1; // just after `--boundary`
const DASH = 2; // after `--boundary-`
const PADDING = 3; // spaces or tabs after the delimiter
const DELIMITER_CR = 4;
const SKIP_LINE = 5; // rest of a malformed delimiter line
const HEADERS = 6;
const CONTENT = 7;
const CLOSE_LINE = 8; // after `--boundary--`
const CLOSE_CR = 9;
const EPILOGUE = 10;
const STOPPED = 11;
const ENDED = 12;

const CR = 0x0d;
const LF = 0x0a;

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`multipart ${what} must be a positive integer, got ${value}`);
  }
  return value;
}

export class MultipartDecoder implements BodyDecoder {
  private readonly sink: FieldSink;
  private readonly maxParts: number;
  private readonly scanner: DelimiterScanner;
  private readonly headers: PartHeaderReader;
  private readonly fields: PartFields;
  private readonly reported = new Set<string>();
  private state = PREAMBLE;
  private partCount = 0;
  private preambleText = false;
  private consumed = 0;
  private readonly emitContent: (bytes: Uint8Array) => void;
  private readonly onPartContent: ((headers: PartHeaders) => void) | undefined;

  constructor(
    boundary: Uint8Array,
    sink: FieldSink,
    options: MultipartOptions = {},
    policy: CharsetPolicy = new CharsetPolicy(),
  ) {
    if (boundary.length === 0) throw new RangeError("multipart boundary must not be empty");
    this.sink = new CharsetFieldSink(sink, policy);
    this.maxParts = positiveInteger(options.maxParts ?? DEFAULT_MAX_PARTS, "maxParts");
    const maxFileBytes = positiveInteger(
      options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      "maxFileBytes",
    );
    const maxHeaderBytes = positiveInteger(
      options.maxHeaderBytes ?? DEFAULT_MAX_PART_HEADER_BYTES,
      "maxHeaderBytes",
    );
    this.fields = new PartFields(this.sink, maxFileBytes);
    this.scanner = new DelimiterScanner(boundary);
    this.scanner.startOfBody();
    this.headers = new PartHeaderReader(maxHeaderBytes, policy, (kind, code, detail) =>
      this.report(kind, code, detail),
    );
    this.emitContent = (bytes) => this.content(bytes);
    this.onPartContent = options.onPartContent;
  }

  /** Parts started so far. */
  get parts(): number {
    return this.partCount;
  }

  /** Content bytes of file parts past `maxFileBytes`, not inspected as fields. */
  get skippedBytes(): number {
    return this.fields.skippedBytes;
  }

  write(chunk: Uint8Array): void {
    if (this.state === ENDED) throw new Error("multipart decoder: write() after end()");
    const n = chunk.length;
    let i = 0;
    while (i < n && this.state !== STOPPED) i = this.step(chunk, i, n);
    this.consumed += n;
  }

  end(): void {
    const state = this.state;
    if (state === ENDED) return;
    this.state = ENDED;
    if (state === STOPPED) return;
    if (state === PREAMBLE || state === CONTENT) this.scanner.drain(this.emitContent);
    this.fields.endField();
    const empty = state === PREAMBLE && this.consumed === 0;
    if (!empty && state !== CLOSE_LINE && state !== CLOSE_CR && state !== EPILOGUE) {
      this.report(
        "protocol",
        "multipart_unterminated",
        "the body ended before the close delimiter",
      );
    }
  }

  /** Handles input from `i`; returns the next index. */
  private step(chunk: Uint8Array, i: number, n: number): number {
    switch (this.state) {
      case PREAMBLE:
      case CONTENT: {
        const next = this.scanner.scan(chunk, i, n, this.emitContent);
        if (next < 0) return n;
        this.endOfPartOrPreamble();
        this.state = AFTER_DELIMITER;
        return next;
      }
      case HEADERS: {
        const next = this.headers.push(chunk, i, n);
        if (next === HEADERS_MORE) return n;
        if (next === HEADERS_OVER_LIMIT) {
          this.stop("limits", "multipart_header_limit", "a part's header block is too long");
          return n;
        }
        this.startContent();
        return next;
      }
      case EPILOGUE:
        this.content(i === 0 ? chunk : chunk.subarray(i, n));
        return n;
      default:
        this.delimiterLine(chunk[i] as number, this.consumed + i);
        return i + 1;
    }
  }

  /** One byte of a delimiter line after `--boundary`. */
  private delimiterLine(b: number, offset: number): void {
    switch (this.state) {
      case AFTER_DELIMITER:
      case PADDING:
        if (b === 0x2d && this.state === AFTER_DELIMITER) this.state = DASH;
        else if (b === 0x20 || b === 0x09) this.padding();
        else if (b === CR) this.state = DELIMITER_CR;
        else if (b === LF) this.lineEndedByLf(() => this.startPart());
        else this.badDelimiter(offset, b);
        return;
      case DASH:
        if (b === 0x2d) this.state = CLOSE_LINE;
        else this.badDelimiter(offset, b);
        return;
      case DELIMITER_CR:
        if (b === LF) this.startPart();
        else this.badDelimiter(offset, b);
        return;
      case SKIP_LINE:
        if (b === LF) this.startPart();
        return;
      case CLOSE_LINE:
        if (b === 0x20 || b === 0x09) this.padding();
        else if (b === CR) this.state = CLOSE_CR;
        else if (b === LF) this.lineEndedByLf(() => this.enterEpilogue());
        else this.closeThenText(offset, b);
        return;
      case CLOSE_CR:
        if (b === LF) this.enterEpilogue();
        else this.closeThenText(offset, b);
        return;
    }
  }

  private padding(): void {
    this.report("protocol", "multipart_delimiter_padding", "a delimiter line has trailing spaces");
    if (this.state === AFTER_DELIMITER) this.state = PADDING;
  }

  private lineEndedByLf(next: () => void): void {
    this.report("protocol", "multipart_bare_lf", "a delimiter line ends in LF without CR");
    next();
  }

  private badDelimiter(offset: number, b: number): void {
    this.report(
      "protocol",
      "multipart_delimiter_syntax",
      `byte 0x${b.toString(16)} after a delimiter at offset ${offset}`,
    );
    if (b === LF) this.startPart();
    else this.state = SKIP_LINE;
  }

  /** `--boundary--` followed by something other than CRLF: the rest is epilogue. */
  private closeThenText(offset: number, b: number): void {
    this.report(
      "protocol",
      "multipart_delimiter_syntax",
      `byte 0x${b.toString(16)} after the close delimiter at offset ${offset}`,
    );
    this.enterEpilogue();
    this.content(new Uint8Array([b]));
  }

  private endOfPartOrPreamble(): void {
    this.fields.endField();
    if (this.scanner.bareLf) {
      this.report("protocol", "multipart_bare_lf", "a delimiter follows LF without CR");
    }
    if (this.state === PREAMBLE && this.preambleText) {
      this.report("protocol", "multipart_preamble", "text precedes the first delimiter");
    }
  }

  private startPart(): void {
    if (this.partCount === this.maxParts) {
      this.stop("limits", "multipart_part_count", `the body has more than ${this.maxParts} parts`);
      return;
    }
    this.partCount++;
    this.headers.reset();
    this.state = HEADERS;
  }

  private startContent(): void {
    if (!this.headers.hasDisposition) {
      this.report("protocol", "multipart_missing_disposition", "a part has no Content-Disposition");
    }
    const headers = this.headers.result();
    this.fields.startPart(headers);
    this.onPartContent?.(headers);
    this.scanner.reset();
    this.state = CONTENT;
  }

  private enterEpilogue(): void {
    this.fields.startEpilogue();
    this.state = EPILOGUE;
  }

  /** Bytes of the current part, the preamble or the epilogue. */
  private content(bytes: Uint8Array): void {
    if (!this.fields.content(bytes)) return;
    if (this.state === PREAMBLE) {
      this.preambleText = true;
    } else if (this.state === EPILOGUE) {
      const code = this.partCount === 0 ? "multipart_close_delimiter_first" : "multipart_epilogue";
      this.report("protocol", code, "text follows the close delimiter");
    }
  }

  private stop(kind: AnomalyKind, code: string, detail: string): void {
    this.fields.endField();
    this.report(kind, code, detail);
    this.state = STOPPED;
  }

  /** Each code once per body. */
  private report(kind: AnomalyKind, code: string, detail: string): void {
    if (this.reported.has(code)) return;
    this.reported.add(code);
    this.sink.anomaly(kind, code, detail);
  }
}
