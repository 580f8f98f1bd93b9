/**
 * The `_charset_` field (HTML 4.01.1 / WHATWG forms): a form or multipart field of that exact
 * name tells the backend which charset the other fields are in, and ASP.NET, Java and others
 * honour it (shared case 07). This sink sits between a decoder and the real sink, passes every
 * call through unchanged, and checks the value of each `_charset_` field against the charset
 * allowlist when the field ends. Only the first MAX_CHARSET_LABEL + 1 bytes are kept.
 */
import { type CharsetPolicy, MAX_CHARSET_LABEL } from "./charset.js";
import type { AnomalyKind, FieldSink, FieldTarget } from "./types.js";

export const CHARSET_FIELD = "_charset_";

const latin1 = new TextDecoder("latin1");

export class CharsetFieldSink implements FieldSink {
  private readonly value = new Uint8Array(MAX_CHARSET_LABEL + 1);
  private length = -1; // -1: the open field is not a `_charset_` field

  constructor(
    private readonly inner: FieldSink,
    private readonly policy: CharsetPolicy,
  ) {}

  fieldStart(target: FieldTarget, name: string): void {
    this.length = target === "args" && name === CHARSET_FIELD ? 0 : -1;
    this.inner.fieldStart(target, name);
  }

  fieldData(bytes: Uint8Array): void {
    if (this.length >= 0 && this.length < this.value.length) {
      const n = Math.min(bytes.length, this.value.length - this.length);
      this.value.set(bytes.subarray(0, n), this.length);
      this.length += n;
    }
    this.inner.fieldData(bytes);
  }

  fieldEnd(): void {
    this.inner.fieldEnd();
    if (this.length < 0) return;
    // A label is ASCII; any other byte simply makes the value unknown, hence refused.
    const label = latin1.decode(this.value.subarray(0, this.length));
    this.length = -1;
    this.policy.check(label, this.inner, "charset_not_allowed", "a _charset_ field");
  }

  anomaly(kind: AnomalyKind, code: string, detail: string): void {
    this.inner.anomaly(kind, code, detail);
  }
}
