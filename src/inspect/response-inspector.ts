/**
 * Inspection of the response direction: headers as whole values, the body raw and streamed.
 * The signatures that look only at responses (data leaks: stack traces, SQL errors, keys,
 * tokens, card numbers) are scanned by the leak scanner (src/redact/leak-scanner.ts) with their
 * own database; the ordinary groups scan what other signatures ask of responses.
 *
 * Body rewriting (BodyRewriter, src/redact/body-rewriter.ts): in FULL_DUPLEX_STREAMED the
 * exchange asks for it before the first body byte, and from then on the body's bytes come
 * back through takeRewritten() with redacting matches replaced, a bounded tail held back until
 * it is safe to release. A content-encoded body (gzip, br, ...) is never rewritten: weir sees
 * its compressed bytes, and a replacement would corrupt them. Redaction covers the whole body,
 * past the inspection limit too (the limit bounds what the other signatures look at).
 */

import type { BodyRewriter, RewritingInspector } from "../redact/body-rewriter.js";
import { LeakScanner, type Redactions } from "../redact/leak-scanner.js";
import type { LeakSet } from "../signatures/compile-leaks.js";
import { BlockScanner } from "./block-scanner.js";
import { type Exclusions, NO_EXCLUSIONS } from "./exclusions.js";
import type { GroupIndex } from "./group-index.js";
import type { InspectionLimits } from "./limits.js";
import { type CollectorScope, MatchCollector } from "./match-collector.js";
import { StreamScanner } from "./stream-scanner.js";
import type { DirectionInspector, HeaderEntry, Match } from "./types.js";

export class ResponseInspector implements DirectionInspector, BodyRewriter, RewritingInspector {
  private readonly collector: MatchCollector;
  private readonly block: BlockScanner;
  private readonly raw: StreamScanner;
  private readonly leaks: LeakScanner | undefined;
  private bodyEnded = false;
  /** A content-encoding other than identity was declared: the body is not rewritten. */
  private encoded = false;
  bytesSeen = 0;
  bytesInspected = 0;

  constructor(
    index: GroupIndex,
    private readonly limits: InspectionLimits,
    exclusions: Exclusions = NO_EXCLUSIONS,
    leaks?: LeakSet,
  ) {
    this.collector = new MatchCollector(exclusions);
    this.block = new BlockScanner(index, this.collector);
    this.raw = new StreamScanner(index, "response_body", this.collector);
    this.leaks = leaks === undefined ? undefined : new LeakScanner(leaks);
    this.leaks?.useScope({ exclusions, ignored: new Set() });
  }

  /** The exchange's route scope (paranoia, families, exclusions), before the first call. */
  useScope(scope: CollectorScope): void {
    this.collector.useScope(scope);
    this.leaks?.useScope(scope);
  }

  /** Hits an exclusion dropped, one per signature id. */
  get excluded(): readonly Match[] {
    const leaked = this.leaks?.excluded ?? [];
    return leaked.length === 0 ? this.collector.excluded : [...this.collector.excluded, ...leaked];
  }

  headers(headers: readonly HeaderEntry[], endOfStream: boolean): readonly Match[] {
    for (const { key, value } of headers) {
      if (key.startsWith(":")) continue;
      this.block.scan("response_headers", key, value);
      this.leaks?.header(key, value);
      if (key === "content-encoding" && !isIdentity(value)) this.encoded = true;
    }
    if (endOfStream) this.bodyEnded = true;
    return this.fresh();
  }

  body(chunk: Uint8Array, endOfStream: boolean): readonly Match[] {
    if (this.bodyEnded) return this.fresh();
    this.bytesSeen += chunk.length;
    const room = this.limits.inspectionLimitBytes - this.bytesInspected;
    const part = room >= chunk.length ? chunk : chunk.subarray(0, Math.max(room, 0));
    if (part.length > 0 && (!this.raw.empty || this.leaks !== undefined)) {
      this.bytesInspected += part.length;
    }
    if (part.length > 0 && !this.raw.empty) {
      this.raw.resume("");
      this.raw.data(part);
    }
    if (this.leaks?.rewriting === true) this.leaks.body(chunk);
    else if (part.length > 0) this.leaks?.body(part);
    if (endOfStream) this.endBody();
    return this.fresh();
  }

  trailers(trailers: readonly HeaderEntry[]): readonly Match[] {
    this.endBody();
    for (const { key, value } of trailers) {
      this.block.scan("response_headers", key, value);
      this.leaks?.header(key, value);
    }
    return this.fresh();
  }

  /** This inspector rewrites its body itself when it has redacting signatures. */
  get rewriter(): BodyRewriter | undefined {
    return this.leaks === undefined ? undefined : this;
  }

  startRewriting(): boolean {
    if (this.encoded || this.bodyEnded || this.bytesSeen > 0) return this.rewriting;
    return this.leaks?.startRewriting() ?? false;
  }

  get rewriting(): boolean {
    return this.leaks?.rewriting ?? false;
  }

  get bytesTaken(): number {
    return this.leaks?.bytesTaken ?? 0;
  }

  takeRewritten(): Uint8Array[] {
    return this.leaks?.takeOutput() ?? [];
  }

  bypass(): Uint8Array[] {
    return this.leaks?.bypass() ?? [];
  }

  takeRedactions(): Redactions | undefined {
    return this.leaks?.takeRedactions();
  }

  close(): void {
    this.raw.close();
    this.leaks?.close();
  }

  private fresh(): readonly Match[] {
    const own = this.collector.takeFresh();
    const leaked = this.leaks?.takeFresh() ?? [];
    if (leaked.length === 0) return own;
    return own.length === 0 ? leaked : [...own, ...leaked];
  }

  private endBody(): void {
    if (this.bodyEnded) return;
    this.bodyEnded = true;
    this.raw.end();
    this.leaks?.endBody();
  }
}

/** `identity` (or empty) means the body bytes are the representation itself. */
function isIdentity(value: Uint8Array): boolean {
  const text = Buffer.from(value).toString("latin1").trim().toLowerCase();
  return text === "" || text === "identity";
}
