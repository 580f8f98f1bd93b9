/**
 * Inspection of the request direction: the path (raw and normalised), query fields, every
 * header and cookie at the headers message; then the body chunk by chunk, raw and through the
 * decoder its Content-Type selects. Everything is fed as it arrives; nothing waits for the
 * whole body.
 */
import { selectBodyDecoder } from "../decode/content-type.js";
import { parseCookies } from "../decode/cookies.js";
import { normalizePath } from "../decode/path.js";
import { parseQuery } from "../decode/query.js";
import type { BodyDecoder } from "../decode/types.js";
import { BlockScanner } from "./block-scanner.js";
import { FieldRouter } from "./field-router.js";
import { findingRule } from "./findings.js";
import type { GroupIndex } from "./group-index.js";
import type { InspectionLimits } from "./limits.js";
import { MatchCollector } from "./match-collector.js";
import { StreamScanner } from "./stream-scanner.js";
import type { DirectionInspector, HeaderEntry, Match } from "./types.js";

const utf8 = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

export class RequestInspector implements DirectionInspector {
  private readonly collector = new MatchCollector();
  private readonly block: BlockScanner;
  private readonly raw: StreamScanner;
  private readonly args: StreamScanner;
  private readonly argsNames: StreamScanner;
  private readonly router: FieldRouter;
  private decoder: BodyDecoder | undefined;
  private bodyEnded = false;
  private limitReported = false;
  bytesSeen = 0;
  bytesInspected = 0;

  constructor(
    index: GroupIndex,
    private readonly limits: InspectionLimits,
  ) {
    this.block = new BlockScanner(index, this.collector);
    this.raw = new StreamScanner(index, "request_body", this.collector);
    this.args = new StreamScanner(index, "args", this.collector);
    this.argsNames = new StreamScanner(index, "args_names", this.collector);
    this.router = new FieldRouter(this.args, this.argsNames, this.collector);
  }

  headers(headers: readonly HeaderEntry[], endOfStream: boolean): readonly Match[] {
    let contentType: string | undefined;
    for (const { key, value } of headers) {
      if (key === ":path") {
        this.inspectPath(value);
      } else if (key.startsWith(":")) {
        // :method, :scheme, :authority carry no payload signatures in v0.
      } else {
        this.block.scan("request_headers", key, value);
        this.block.scan("request_headers_names", key, encoder.encode(key));
        if (key === "cookie") this.inspectCookies(value);
        if (key === "content-type" && contentType === undefined) contentType = utf8.decode(value);
      }
    }
    if (!endOfStream) {
      this.router.source = "request_body";
      this.decoder = selectBodyDecoder(contentType, this.router, this.limits.decoder);
    } else {
      this.bodyEnded = true;
    }
    return this.collector.takeFresh();
  }

  body(chunk: Uint8Array, endOfStream: boolean): readonly Match[] {
    if (this.bodyEnded) return this.collector.takeFresh();
    this.bytesSeen += chunk.length;
    const room = this.limits.inspectionLimitBytes - this.bytesInspected;
    const part = room >= chunk.length ? chunk : chunk.subarray(0, Math.max(room, 0));
    if (part.length > 0) {
      this.bytesInspected += part.length;
      this.raw.resume("");
      this.raw.data(part);
      this.decoder?.write(part);
    }
    if (part.length < chunk.length && !this.limitReported) {
      this.limitReported = true;
      if (this.limits.overLimit === "block") {
        this.collector.finding(findingRule("limits", "inspection_limit"), "request_body", "");
      }
    }
    if (endOfStream) this.endBody();
    return this.collector.takeFresh();
  }

  trailers(trailers: readonly HeaderEntry[]): readonly Match[] {
    this.endBody();
    for (const { key, value } of trailers) this.block.scan("request_headers", key, value);
    return this.collector.takeFresh();
  }

  close(): void {
    this.raw.close();
    this.args.close();
    this.argsNames.close();
    this.decoder = undefined;
  }

  private endBody(): void {
    if (this.bodyEnded) return;
    this.bodyEnded = true;
    this.decoder?.end();
    this.decoder = undefined;
    this.raw.end();
  }

  private inspectPath(rawPath: Uint8Array): void {
    this.block.scan("request_uri_raw", "", rawPath);
    this.block.scan("request_filename", "", normalizePath(rawPath));
    this.router.source = "args";
    parseQuery(rawPath, this.router, this.limits.decoder.form);
  }

  private inspectCookies(header: Uint8Array): void {
    for (const cookie of parseCookies(header)) {
      const name = utf8.decode(cookie.name);
      this.block.scan("request_cookies_names", name, cookie.name);
      this.block.scan("request_cookies", name, cookie.value);
    }
  }
}
