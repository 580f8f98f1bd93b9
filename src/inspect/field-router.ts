/**
 * The FieldSink that decoders write to: routes each decoded field to the stream scanner of its
 * target (`args` or `args_names`) and turns decoder anomalies into findings. Query strings and
 * bodies share it, so a field is inspected the same way wherever it came from.
 */
import type { AnomalyKind, FieldSink, FieldTarget } from "../decode/types.js";
import { findingRule } from "./findings.js";
import type { MatchCollector } from "./match-collector.js";
import type { StreamScanner } from "./stream-scanner.js";
import type { Target } from "./types.js";

export class FieldRouter implements FieldSink {
  private current: StreamScanner | undefined;
  /** The target findings are reported against (the body or query being decoded). */
  source: Target = "request_body";

  constructor(
    private readonly args: StreamScanner,
    private readonly argsNames: StreamScanner,
    private readonly collector: MatchCollector,
  ) {}

  fieldStart(target: FieldTarget, name: string): void {
    this.current?.end();
    this.current = target === "args" ? this.args : this.argsNames;
    this.current.start(name);
  }

  fieldData(bytes: Uint8Array): void {
    this.current?.data(bytes);
  }

  fieldEnd(): void {
    this.current?.end();
    this.current = undefined;
  }

  anomaly(kind: AnomalyKind, code: string, _detail: string): void {
    this.collector.finding(findingRule(kind, code), this.source, code);
  }
}
