/**
 * Field-level transcoding for application/x-www-form-urlencoded bodies in a declared charset.
 * A form is split on ASCII `&` and `=` and percent-decoded first; only then are the decoded
 * bytes of each name and value read in the declared charset. That is what ASP.NET
 * (HttpValueCollection), Java servlets and PHP's mbstring do, and the difference matters:
 * `q=caf%E9` in ISO-8859-1 is `café` only if the byte E9 is transcoded after percent-decoding,
 * and an EBCDIC body written as percent escapes (`%4C%A2%A5%87`, shared case 14) becomes
 * `<svg` only that way.
 *
 * The form decoder names each value by its decoded name before this sink sees it; the sink
 * therefore keeps the transcoded bytes of the name field that opens each pair (capped like
 * every name) and gives the value field that name instead.
 */

import type { KnownCharset } from "./charset.js";
import { transcoderFor } from "./charset-transcode.js";
import { NameBuffer } from "./field-name.js";
import type { Emit } from "./output-batch.js";
import type { AnomalyKind, FieldSink, FieldTarget, Transform } from "./types.js";

export class TranscodingFieldSink implements FieldSink {
  private readonly transcoder: Transform;
  private readonly name = new NameBuffer();
  private capturing = false;
  private named = false;
  private readonly emit: Emit;

  constructor(
    private readonly inner: FieldSink,
    charset: KnownCharset,
  ) {
    const transcoder = transcoderFor(charset);
    if (transcoder === undefined) throw new Error(`charset ${charset} needs no transcoding`);
    this.transcoder = transcoder;
    this.emit = (bytes) => {
      if (this.capturing) this.name.append(bytes);
      inner.fieldData(bytes);
    };
  }

  fieldStart(target: FieldTarget, name: string): void {
    if (target === "args_names") {
      this.name.clear();
      this.capturing = true;
      this.named = true;
      this.inner.fieldStart(target, name);
      return;
    }
    this.inner.fieldStart(target, this.named ? this.name.toString() : name);
    this.named = false;
  }

  fieldData(bytes: Uint8Array): void {
    this.transcoder.push(bytes, this.emit);
  }

  fieldEnd(): void {
    this.transcoder.flush(this.emit);
    this.capturing = false;
    this.inner.fieldEnd();
  }

  anomaly(kind: AnomalyKind, code: string, detail: string): void {
    this.inner.anomaly(kind, code, detail);
  }
}
