/**
 * An independent reference for the redaction tests: the whole body at once, each redacting
 * signature compiled alone in block mode with start offsets, its matches validated and cut by
 * `redact_after`, the bytes of each match marked with its style (token over mask), and the
 * output written byte by byte. It shares only the validator and the span rule with the code
 * under test, not the hold-back, the marks or the writer.
 */
import { Database, type Flag, MatchBuffer } from "hyperscan-js";
import type { RedactionOptions } from "../../src/redact/options.js";
import { styleOf } from "../../src/redact/options.js";
import { redactedStart } from "../../src/redact/span.js";
import { validates } from "../../src/redact/validators.js";
import type { Signature } from "../../src/signatures/types.js";

const NONE = 0;
const MASK = 1;
const TOKEN = 2;

export class ReferenceRedactor {
  readonly #databases: { sig: Signature; db: Database; delimiters: Uint8Array }[];

  constructor(
    signatures: readonly Signature[],
    private readonly options: RedactionOptions,
  ) {
    this.#databases = signatures
      .filter((s) => s.redact !== undefined && s.targets.some((t) => t.target === "response_body"))
      .map((sig) => ({
        sig,
        db: Database.compile(
          [{ pattern: sig.pattern, id: 0, flags: ["somLeftmost", ...sig.flags] as Flag[] }],
          "block",
        ),
        delimiters: new TextEncoder().encode(sig.redactAfter ?? ""),
      }));
  }

  redact(body: Uint8Array): Uint8Array {
    const styles = new Uint8Array(body.length);
    const buffer = new MatchBuffer(body.length + 1);
    for (const { sig, db, delimiters } of this.#databases) {
      buffer.clear();
      if (body.length > 0) db.scan(body, buffer);
      const style = styleOf(sig.redact ?? "default", this.options) === "token" ? TOKEN : MASK;
      for (let i = 0; i < buffer.count; i++) {
        const from = buffer.from[i] ?? 0;
        const to = buffer.to[i] ?? 0;
        if (sig.validate !== undefined && !validates(sig.validate, body, from, to)) continue;
        for (let k = redactedStart(body, 0, from, to, delimiters); k < to; k++) {
          styles[k] = Math.max(styles[k] ?? NONE, style);
        }
      }
    }
    const out: number[] = [];
    for (let i = 0; i < body.length; i++) {
      const style = styles[i] ?? NONE;
      if (style === NONE) out.push(body[i] ?? 0);
      else if (style === MASK) out.push(this.options.mask);
      else if (i === 0 || styles[i - 1] !== TOKEN) out.push(...this.options.token);
    }
    return Uint8Array.from(out);
  }

  close(): void {
    for (const { db } of this.#databases) db.close();
  }
}
