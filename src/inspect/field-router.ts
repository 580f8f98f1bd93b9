/**
 * The FieldSink that decoders write to: routes each decoded field to the stream scanner of its
 * target (`args` or `args_names`) and turns decoder anomalies into findings. Query strings and
 * bodies share it, so a field is inspected the same way wherever it came from.
 *
 * On the way it runs the argument checks (NUL, overlong UTF-8; argument-checks.ts) on every
 * value and name except multipart file contents, and, for sources an ASP.NET-style backend
 * reads as one name/value collection (query, form, multipart), keeps the values of each name so
 * the comma-joined value of a repeated name is scanned too (repeated-arguments.ts).
 *
 * Binary file content of a multipart part is not scanned (policy in file-content.ts): the
 * multipart decoder calls `partContent` right after it opened a part's content field.
 */
import type { PartHeaders } from "../decode/multipart-headers.js";
import type { AnomalyKind, FieldSink, FieldTarget } from "../decode/types.js";
import { ArgumentChecks } from "./argument-checks.js";
import { isBinaryMediaType, looksBinary, SNIFF_BYTES } from "./file-content.js";
import { findingRule } from "./findings.js";
import type { MatchCollector } from "./match-collector.js";
import { RepeatedArguments } from "./repeated-arguments.js";
import type { StreamScanner } from "./stream-scanner.js";
import type { Target } from "./types.js";

/** Suffix of the field that carries a multipart part's file name (decode/multipart-fields.ts). */
const FILENAME_SUFFIX = ".filename";

export class FieldRouter implements FieldSink {
  private current: StreamScanner | undefined;
  private readonly checks = new ArgumentChecks();
  /** The current field is checked (false for multipart file contents). */
  private checking = false;
  /** The current field's value is retained for joining. */
  private joining = false;
  /** After a `<name>.filename` field of a multipart body: the part whose content is a file. */
  private fileContentOf: string | undefined;
  private readonly repeated = new RepeatedArguments();
  /** The current field is binary file content: its bytes are counted, not scanned. */
  private skipping = false;
  /** The current field is file content of undeclared type: its start is held to decide. */
  private sniffing = false;
  private sniffed: Uint8Array | undefined;
  private sniffedLength = 0;
  /** File content bytes skipped so far (this exchange). */
  skippedBytes = 0;
  /** Bound once: the multipart decoder option that reports each part's headers. */
  readonly onPartContent = (headers: PartHeaders): void => this.partContent(headers);
  /** The target findings are reported against (the body or query being decoded). */
  source: Target = "request_body";
  /**
   * The source is read by the application as one name/value collection (query, form,
   * multipart): values of a repeated name are joined with commas and scanned.
   */
  joinRepeated = false;
  /** The source is multipart: a part that has a file name carries a file, not an argument. */
  multipart = false;

  constructor(
    private readonly args: StreamScanner,
    private readonly argsNames: StreamScanner,
    private readonly collector: MatchCollector,
  ) {}

  fieldStart(target: FieldTarget, name: string): void {
    this.fieldEnd();
    let isFile = false;
    if (this.multipart && target === "args") {
      if (name.endsWith(FILENAME_SUFFIX)) {
        this.fileContentOf = name.slice(0, -FILENAME_SUFFIX.length);
      } else {
        isFile = name === this.fileContentOf;
        this.fileContentOf = undefined;
      }
    }
    this.current = target === "args" ? this.args : this.argsNames;
    this.current.start(name);
    this.checking = !isFile;
    this.checks.reset();
    // A file name is not a form value: ASP.NET lists files apart from Request.Form.
    const fileName = this.multipart && name.endsWith(FILENAME_SUFFIX);
    this.joining = this.joinRepeated && target === "args" && !isFile && !fileName;
    if (this.joining) this.repeated.start(name);
  }

  fieldData(bytes: Uint8Array): void {
    if (this.skipping) {
      this.skippedBytes += bytes.length;
      return;
    }
    if (this.sniffing) {
      this.sniff(bytes);
      return;
    }
    this.current?.data(bytes);
    if (this.checking) {
      const anomaly = this.checks.check(bytes);
      if (anomaly !== undefined) this.anomaly("protocol", anomaly, "");
    }
    if (this.joining) this.repeated.data(bytes);
  }

  fieldEnd(): void {
    if (this.sniffing) this.decide(true);
    this.skipping = false;
    this.current?.end();
    this.current = undefined;
    this.checking = false;
    if (this.joining) this.repeated.end();
    this.joining = false;
  }

  /**
   * The end of a source (the query, a body): scans the comma-joined value of each name that
   * repeated, as the value of that name.
   */
  sourceEnd(): void {
    this.fieldEnd();
    this.fileContentOf = undefined;
    for (const { name, joined } of this.repeated.joins()) {
      this.args.start(name);
      this.args.data(joined);
      this.args.end();
    }
  }

  /** A multipart part's content field just opened: file content may be skipped or sniffed. */
  private partContent(headers: PartHeaders): void {
    if (headers.filenames.length === 0 || this.current === undefined) return;
    if (headers.mediaType === undefined) {
      this.sniffing = true;
      this.sniffedLength = 0;
    } else if (isBinaryMediaType(headers.mediaType)) {
      this.skipping = true;
    }
  }

  private sniff(bytes: Uint8Array): void {
    this.sniffed ??= new Uint8Array(SNIFF_BYTES);
    const take = Math.min(bytes.length, SNIFF_BYTES - this.sniffedLength);
    this.sniffed.set(bytes.subarray(0, take), this.sniffedLength);
    this.sniffedLength += take;
    if (this.sniffedLength < SNIFF_BYTES) return;
    this.decide(false);
    this.fieldData(bytes.subarray(take));
  }

  /** Ends sniffing: held bytes are skipped (binary) or scanned (text). */
  private decide(complete: boolean): void {
    this.sniffing = false;
    const held = (this.sniffed ?? EMPTY).subarray(0, this.sniffedLength);
    this.sniffedLength = 0;
    if (looksBinary(held, complete)) {
      this.skipping = true;
      this.skippedBytes += held.length;
    } else if (held.length > 0) {
      this.fieldData(held);
    }
  }

  anomaly(kind: AnomalyKind, code: string, _detail: string): void {
    this.collector.finding(findingRule(kind, code), this.source, code);
  }
}

const EMPTY = new Uint8Array(0);
