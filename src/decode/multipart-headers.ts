/**
 * The header block of one multipart/form-data part, read line by line as bytes arrive. Framing
 * is strict here (and only here and on delimiter lines, never in part content: shared case 05):
 * every line must end in CRLF, a line may not start with whitespace (obsolete folding) or a
 * control byte (shared case 03), a field name is a token directly followed by ":", and
 * Content-Disposition, Content-Type and Content-Transfer-Encoding may each appear once. Each
 * violation is reported once per part and reading goes on, so the part's content is still
 * decoded and inspected however a backend would classify it.
 *
 * Memory: one line buffer of at most `maxHeaderBytes`; a header block longer than that is a
 * "limits" problem and the caller stops decoding.
 */
import type { CharsetPolicy, KnownCharset } from "./charset.js";
import { parseContentDisposition } from "./content-disposition.js";
import { parseContentType } from "./content-type.js";
import type { AnomalyKind } from "./types.js";

export interface PartHeaders {
  /** The part's field name (latin1 string of its bytes), or undefined without one. */
  readonly name: string | undefined;
  /** Every file name reading from every Content-Disposition line (latin1 of UTF-8 bytes). */
  readonly filenames: readonly string[];
  /** The allowed non-default charset to transcode the content from, if any. */
  readonly charset: KnownCharset | undefined;
  /** The first Content-Type's media type (lower-case `type/subtype`), if one parsed. */
  readonly mediaType: string | undefined;
}

/** Receives problems; the caller reports each code at most once per body. */
export type ProblemSink = (kind: AnomalyKind, code: string, detail: string) => void;

export const HEADERS_MORE = -1;
export const HEADERS_OVER_LIMIT = -2;

const CR = 0x0d;
const LF = 0x0a;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const latin1 = new TextDecoder("latin1");

export class PartHeaderReader {
  private readonly line: Uint8Array;
  private lineLength = 0;
  private blockBytes = 0;
  /** The last complete header line, kept until the next line shows it is not folded. */
  private pendingName = "";
  private pendingValue = "";
  private name: string | undefined;
  private filenames: string[] = [];
  private charset: KnownCharset | undefined;
  private mediaType: string | undefined;
  private seen = new Set<string>();

  constructor(
    private readonly maxHeaderBytes: number,
    private readonly policy: CharsetPolicy,
    private readonly problem: ProblemSink,
  ) {
    this.line = new Uint8Array(maxHeaderBytes);
  }

  /** Starts a new part. */
  reset(): void {
    this.lineLength = 0;
    this.blockBytes = 0;
    this.pendingName = "";
    this.pendingValue = "";
    this.name = undefined;
    this.filenames = [];
    this.charset = undefined;
    this.mediaType = undefined;
    this.seen = new Set();
  }

  /** The headers read, valid after `push` returned an index >= 0. */
  result(): PartHeaders {
    return {
      name: this.name,
      filenames: this.filenames,
      charset: this.charset,
      mediaType: this.mediaType,
    };
  }

  /**
   * Reads `chunk[start..end)`. Returns the index just past the blank line that ends the block,
   * HEADERS_MORE when the block goes on, or HEADERS_OVER_LIMIT.
   */
  push(chunk: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end) {
      const lf = chunk.indexOf(LF, i);
      const stop = lf < 0 || lf >= end ? end : lf;
      const n = stop - i;
      if (this.blockBytes + n + 1 > this.maxHeaderBytes) return HEADERS_OVER_LIMIT;
      this.line.set(chunk.subarray(i, stop), this.lineLength);
      this.lineLength += n;
      this.blockBytes += n + (stop < end ? 1 : 0);
      if (stop === end) return HEADERS_MORE;
      i = stop + 1;
      if (this.endLine()) return i;
    }
    return HEADERS_MORE;
  }

  /** A line (without its LF) is complete; returns true at the blank line. */
  private endLine(): boolean {
    let length = this.lineLength;
    this.lineLength = 0;
    if (length > 0 && this.line[length - 1] === CR) {
      length--;
    } else {
      this.problem("protocol", "multipart_bare_lf", "a part header line ends in LF without CR");
    }
    if (length === 0) {
      this.finishPending();
      return true;
    }
    const text = latin1.decode(this.line.subarray(0, length));
    const first = text.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      this.problem("protocol", "multipart_header_folding", "a part header line is folded");
      if (this.pendingName === "") this.syntax("a folded line has no header to continue");
      else this.pendingValue += ` ${text.trim()}`;
      return false;
    }
    this.finishPending();
    if (first < 0x20 || first === 0x7f) {
      this.syntax(`a part header line starts with control byte 0x${first.toString(16)}`);
      return false;
    }
    const colon = text.indexOf(":");
    const name = colon < 0 ? "" : text.slice(0, colon);
    if (!TOKEN.test(name)) {
      this.syntax("a part header line has no valid field name before ':'");
      return false;
    }
    const value = text.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control bytes are what is checked
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value))
      this.syntax("a part header value has a control byte");
    this.pendingName = name.toLowerCase();
    this.pendingValue = value;
    return false;
  }

  private finishPending(): void {
    const name = this.pendingName;
    if (name === "") return;
    const value = this.pendingValue;
    this.pendingName = "";
    this.pendingValue = "";
    const repeated = this.seen.has(name);
    this.seen.add(name);
    if (
      repeated &&
      (name === "content-disposition" ||
        name === "content-type" ||
        name === "content-transfer-encoding")
    ) {
      this.problem("protocol", "multipart_duplicate_header", `a part repeats ${name}`);
    }
    if (name === "content-disposition") this.disposition(value);
    else if (name === "content-type") this.contentType(value);
    else if (name === "content-transfer-encoding") this.transferEncoding(value);
  }

  private disposition(value: string): void {
    const parsed = parseContentDisposition(value);
    for (const code of parsed.problems) {
      this.problem("protocol", code, "a part's Content-Disposition is malformed or ambiguous");
    }
    this.name ??= parsed.name;
    for (const filename of parsed.filenames) {
      if (!this.filenames.includes(filename)) this.filenames.push(filename);
    }
  }

  private contentType(value: string): void {
    const parsed = parseContentType(value);
    if (parsed === undefined) {
      this.syntax("a part's Content-Type is not a media type");
      return;
    }
    this.mediaType ??= parsed.type.toLowerCase();
    const charset = this.policy.checkContentType(
      parsed,
      { anomaly: (kind, code, detail) => this.problem(kind, code, detail) },
      "multipart_part_charset",
      "a part's Content-Type",
    );
    this.charset ??= charset;
  }

  private transferEncoding(value: string): void {
    const encoding = value.toLowerCase();
    if (encoding !== "7bit" && encoding !== "8bit" && encoding !== "binary") {
      this.problem(
        "protocol",
        "multipart_transfer_encoding",
        "a part declares a Content-Transfer-Encoding other than 7bit, 8bit or binary",
      );
    }
  }

  /** Reports a header syntax problem; the detail names the byte class, never the content. */
  private syntax(detail: string): void {
    this.problem("protocol", "multipart_header_syntax", detail);
  }

  /** True when the part had a Content-Disposition line. */
  get hasDisposition(): boolean {
    return this.seen.has("content-disposition");
  }
}
