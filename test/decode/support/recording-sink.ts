/**
 * A FieldSink that records fields and anomalies and enforces the call protocol: fieldData only
 * inside a field, no nested fieldStart, every field closed. It copies bytes at once, as a real
 * sink must (decoders may hand views of a reused buffer).
 */
import type { AnomalyKind, FieldSink, FieldTarget } from "../../../src/decode/types.js";
import { type ByteSpec, bytesOf, show, textOf } from "./bytes.js";

export type RecordedField = [target: FieldTarget, name: string, value: string];
export type RecordedAnomaly = [kind: AnomalyKind, code: string, detail: string];

/** A vector's expected fields (names and values as byte specs) as a RecordingSink records them. */
export function expectedFields(
  fields: readonly (readonly [FieldTarget, ByteSpec, ByteSpec])[],
): RecordedField[] {
  return fields.map(([target, name, value]) => [target, textOf(name), show(bytesOf(value))]);
}

export class RecordingSink implements FieldSink {
  readonly fields: RecordedField[] = [];
  readonly anomalies: RecordedAnomaly[] = [];
  private open: { target: FieldTarget; name: string; parts: Uint8Array[] } | undefined;

  fieldStart(target: FieldTarget, name: string): void {
    if (this.open !== undefined) throw new Error(`fieldStart(${target}) while a field is open`);
    this.open = { target, name, parts: [] };
  }

  fieldData(bytes: Uint8Array): void {
    if (this.open === undefined) throw new Error("fieldData outside a field");
    if (bytes.length === 0) throw new Error("fieldData with no bytes");
    this.open.parts.push(bytes.slice());
  }

  fieldEnd(): void {
    if (this.open === undefined) throw new Error("fieldEnd outside a field");
    this.fields.push([this.open.target, this.open.name, show(Buffer.concat(this.open.parts))]);
    this.open = undefined;
  }

  anomaly(kind: AnomalyKind, code: string, detail: string): void {
    this.anomalies.push([kind, code, detail]);
  }

  /** Throws if a field was left open. */
  assertClosed(): void {
    if (this.open !== undefined) throw new Error(`field ${this.open.name} was never ended`);
  }
}
