/**
 * Inspection of the request direction: the path (raw and normalised), query fields, every
 * header and cookie at the headers message; then the body chunk by chunk, raw and through the
 * decoders its headers select (request-body.ts). Everything is fed as it arrives; nothing waits
 * for the whole body. Body and trailers calls return their matches at once, or a promise of
 * them while a Content-Encoding is being undone (types.ts, Inspected).
 */
import { parseCookies } from "../decode/cookies.js";
import { normalizePath } from "../decode/path.js";
import { parseQuery } from "../decode/query.js";
import { BlockScanner } from "./block-scanner.js";
import { type Exclusions, NO_EXCLUSIONS } from "./exclusions.js";
import { FieldRouter } from "./field-router.js";
import { findingRule } from "./findings.js";
import { FramingHeaders } from "./framing-headers.js";
import type { GroupIndex } from "./group-index.js";
import type { InspectionLimits } from "./limits.js";
import { type CollectorScope, MatchCollector } from "./match-collector.js";
import { RequestBody } from "./request-body.js";
import { StreamScanner } from "./stream-scanner.js";
import type { DirectionInspector, HeaderEntry, Inspected, Match } from "./types.js";

const utf8 = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();
const NONE: readonly Match[] = Object.freeze([]);

export class RequestInspector implements DirectionInspector {
  private readonly collector: MatchCollector;
  private readonly block: BlockScanner;
  private readonly raw: StreamScanner;
  private readonly args: StreamScanner;
  private readonly argsNames: StreamScanner;
  private readonly router: FieldRouter;
  private readonly requestBody: RequestBody;
  private limitReported = false;
  /** A body or trailers call is waiting for the inflate stage. */
  private pending = false;
  private closed = false;
  bytesSeen = 0;
  /** Bytes handed to inspection, skipped ones included: what the inspection limit counts. */
  private bytesAdmitted = 0;

  constructor(
    index: GroupIndex,
    private readonly limits: InspectionLimits,
    exclusions: Exclusions = NO_EXCLUSIONS,
  ) {
    this.collector = new MatchCollector(exclusions);
    this.block = new BlockScanner(index, this.collector);
    this.raw = new StreamScanner(index, "request_body", this.collector);
    this.args = new StreamScanner(index, "args", this.collector);
    this.argsNames = new StreamScanner(index, "args_names", this.collector);
    this.router = new FieldRouter(this.args, this.argsNames, this.collector);
    this.requestBody = new RequestBody(this.raw, this.router);
  }

  /** Body bytes admitted under the inspection limit (what `inspectionLimitBytes` counts). */
  get bytesInspected(): number {
    return this.bytesAdmitted;
  }

  /**
   * Admitted body bytes that attack signatures skipped as binary content (file-content.ts):
   * within bytesInspected, which stays the inspection-limit count (shared case 10).
   */
  get bytesSkipped(): number {
    return this.requestBody.skippedBytes;
  }

  /** The exchange's route scope (paranoia, families, exclusions), before the first call. */
  useScope(scope: CollectorScope): void {
    this.collector.useScope(scope);
  }

  /** Hits an exclusion dropped, one per signature id. */
  get excluded(): readonly Match[] {
    return this.collector.excluded;
  }

  headers(headers: readonly HeaderEntry[], endOfStream: boolean): readonly Match[] {
    let contentType: string | undefined;
    let postCharset: string | undefined;
    const contentEncodings: string[] = [];
    const framing = new FramingHeaders();
    for (const { key, value } of headers) {
      framing.add(key, value);
      if (key === ":path") {
        this.inspectPath(value);
      } else if (key === ":authority") {
        // HTTP/1's Host arrives as :authority; applications read it (virtual hosts, links,
        // logs), so it is a header like any other and signatures see it as `host`.
        this.block.scan("request_headers", "host", value);
      } else if (key.startsWith(":")) {
        // :method and :scheme are from a fixed vocabulary Envoy has already validated.
      } else {
        this.block.scan("request_headers", key, value);
        this.block.scan("request_headers_names", key, encoder.encode(key));
        if (key === "cookie") this.inspectCookies(value);
        else if (key === "content-type") contentType ??= utf8.decode(value);
        else if (key === "content-encoding") contentEncodings.push(utf8.decode(value));
        else if (key === "x-up-devcap-post-charset") postCharset ??= utf8.decode(value);
      }
    }
    for (const code of framing.anomalies()) {
      this.collector.finding(findingRule("protocol", code), "request_headers", code);
    }
    if (endOfStream) {
      this.requestBody.skip();
    } else {
      const declared = framing.contentLength;
      if (declared !== undefined && declared > (this.limits.maxBodyBytes ?? Infinity)) {
        this.reportBodyTooLarge();
      }
      this.requestBody.open({ contentType, contentEncodings, postCharset }, this.limits);
      this.collector.rawBodyHasFields = this.requestBody.decodesFields;
    }
    return this.collector.takeFresh();
  }

  body(chunk: Uint8Array, endOfStream: boolean): Inspected {
    this.assertNotPending("body");
    if (this.requestBody.done) return this.collector.takeFresh();
    this.bytesSeen += chunk.length;
    if (this.bytesSeen > (this.limits.maxBodyBytes ?? Infinity)) this.reportBodyTooLarge();
    const room = this.limits.inspectionLimitBytes - this.bytesAdmitted;
    const part = room >= chunk.length ? chunk : chunk.subarray(0, Math.max(room, 0));
    this.bytesAdmitted += part.length;
    const cut = part.length < chunk.length;
    const step = this.requestBody.write(part, cut, endOfStream);
    if (step !== undefined) return this.afterBody(step, cut);
    this.parkScanners();
    if (cut) this.reportLimit();
    return this.collector.takeFresh();
  }

  /** Between chunks an open field value keeps only its bytes (StreamScanner.park). */
  private parkScanners(): void {
    this.args.park();
    this.argsNames.park();
  }

  trailers(trailers: readonly HeaderEntry[]): Inspected {
    this.assertNotPending("trailers");
    const step = this.requestBody.end();
    if (step !== undefined) return this.afterTrailers(step, trailers);
    this.scanTrailers(trailers);
    return this.collector.takeFresh();
  }

  close(): void {
    this.closed = true;
    this.requestBody.close();
    this.raw.close();
    this.args.close();
    this.argsNames.close();
  }

  private async afterBody(step: Promise<void>, cut: boolean): Promise<readonly Match[]> {
    this.pending = true;
    try {
      await step;
    } finally {
      this.pending = false;
    }
    if (this.closed) return NONE;
    this.parkScanners();
    if (cut) this.reportLimit();
    return this.collector.takeFresh();
  }

  private async afterTrailers(
    step: Promise<void>,
    trailers: readonly HeaderEntry[],
  ): Promise<readonly Match[]> {
    this.pending = true;
    try {
      await step;
    } finally {
      this.pending = false;
    }
    if (this.closed) return NONE;
    this.scanTrailers(trailers);
    return this.collector.takeFresh();
  }

  private assertNotPending(call: string): void {
    if (this.pending) {
      throw new Error(
        `request inspector: ${call}() called while the previous body call is still pending; ` +
          "callers must await each call before the next",
      );
    }
  }

  private reportLimit(): void {
    if (this.limitReported) return;
    this.limitReported = true;
    if (this.limits.overLimit === "block") {
      this.collector.finding(findingRule("limits", "inspection_limit"), "request_body", "");
    }
  }

  /** The body is (or is declared) larger than maxBodyBytes: refused as `limits` (413). */
  private reportBodyTooLarge(): void {
    this.collector.finding(findingRule("limits", "body_too_large"), "request_body", "");
  }

  private scanTrailers(trailers: readonly HeaderEntry[]): void {
    for (const { key, value } of trailers) this.block.scan("request_headers", key, value);
  }

  private inspectPath(rawPath: Uint8Array): void {
    this.block.scan("request_uri_raw", "", rawPath);
    this.block.scan("request_filename", "", normalizePath(rawPath));
    this.router.source = "args";
    this.router.joinRepeated = true;
    this.router.multipart = false;
    parseQuery(rawPath, this.router, this.limits.decoder.form);
    this.router.sourceEnd();
  }

  private inspectCookies(header: Uint8Array): void {
    for (const cookie of parseCookies(header)) {
      const name = utf8.decode(cookie.name);
      this.block.scan("request_cookies_names", name, cookie.name);
      this.block.scan("request_cookies", name, cookie.value);
    }
  }
}
