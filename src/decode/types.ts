/**
 * Contracts for the streaming decoders. A decoder takes body chunks as they arrive and emits
 * fields as events; it never holds a whole body or a whole field. Bytes handed to a sink may
 * be views into a buffer the decoder reuses, so a sink must consume them before returning.
 */

/** Where a decoded field goes: its value (`args`) or its name (`args_names`). */
export type FieldTarget = "args" | "args_names";

/**
 * Findings a decoder can raise: about the body's structure (`protocol`), a budget (`limits`),
 * or an XML document type declaration that opens external entities (`xxe`, xml-doctype.ts).
 */
export type AnomalyKind = "protocol" | "limits" | "xxe";

export interface FieldSink {
  /**
   * A new field starts. `name` is the field's name as the application sees it (decoded,
   * truncated to the decoder's name cap); for an `args_names` field it is the name of the
   * enclosing object or "" at top level.
   */
  fieldStart(target: FieldTarget, name: string): void;
  /** Decoded bytes of the current field. */
  fieldData(bytes: Uint8Array): void;
  /** The current field is complete. */
  fieldEnd(): void;
  /**
   * Something about the body is malformed or over a limit; `code` is a stable identifier.
   * May come while a field is open (e.g. invalid UTF-8 inside a JSON string); the field goes on.
   * `detail` never carries field content (I8), at most the offending byte and an offset.
   */
  anomaly(kind: AnomalyKind, code: string, detail: string): void;
}

export interface BodyDecoder {
  /** Feed the next chunk; may be any size including 0. */
  write(chunk: Uint8Array): void;
  /** The body is complete: flush carried state, report truncated structures. A write after end throws. */
  end(): void;
}

/** A streaming byte transform (CRS `t:` names) with explicit carry state between pushes. */
export interface Transform {
  /** Emitted views are valid only during the callback (they may point into a reused buffer). */
  push(input: Uint8Array, emit: (out: Uint8Array) => void): void;
  /** End of the value: emit anything carried and reset for the next value. */
  flush(emit: (out: Uint8Array) => void): void;
}
