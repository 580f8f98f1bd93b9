/**
 * The FieldSink that decoders write to: routes each decoded field to the stream scanner of its
 * target (`args` or `args_names`) and turns decoder anomalies into findings. Query strings and
 * bodies share it, so a field is inspected the same way wherever it came from.
 *
 * On the way it runs the argument checks (NUL, overlong UTF-8; argument-checks.ts) on every
 * value and name except multipart file contents, and, for sources an ASP.NET-style backend
 * reads as one name/value collection (query, form, multipart), keeps the values of each name so
 * the comma-joined value of a repeated name is scanned too (repeated-arguments.ts).
 */
import type { AnomalyKind, FieldSink, FieldTarget } from "../decode/types.js";
import { ArgumentChecks } from "./argument-checks.js";
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
    this.current?.data(bytes);
    if (this.checking) {
      const anomaly = this.checks.check(bytes);
      if (anomaly !== undefined) this.anomaly("protocol", anomaly, "");
    }
    if (this.joining) this.repeated.data(bytes);
  }

  fieldEnd(): void {
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

  anomaly(kind: AnomalyKind, code: string, _detail: string): void {
    this.collector.finding(findingRule(kind, code), this.source, code);
  }
}
