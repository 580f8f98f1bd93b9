/**
 * Inspection of the response direction: headers as whole values, the body raw and streamed.
 * Data-leak signatures and redaction arrive with the response-inspection issue; v0 already
 * gives them the same streaming path as requests.
 */
import { BlockScanner } from "./block-scanner.js";
import { type Exclusions, NO_EXCLUSIONS } from "./exclusions.js";
import type { GroupIndex } from "./group-index.js";
import type { InspectionLimits } from "./limits.js";
import { MatchCollector } from "./match-collector.js";
import { StreamScanner } from "./stream-scanner.js";
import type { DirectionInspector, HeaderEntry, Match } from "./types.js";

export class ResponseInspector implements DirectionInspector {
  private readonly collector: MatchCollector;
  private readonly block: BlockScanner;
  private readonly raw: StreamScanner;
  private bodyEnded = false;
  bytesSeen = 0;
  bytesInspected = 0;

  constructor(
    index: GroupIndex,
    private readonly limits: InspectionLimits,
    exclusions: Exclusions = NO_EXCLUSIONS,
  ) {
    this.collector = new MatchCollector(exclusions);
    this.block = new BlockScanner(index, this.collector);
    this.raw = new StreamScanner(index, "response_body", this.collector);
  }

  headers(headers: readonly HeaderEntry[], endOfStream: boolean): readonly Match[] {
    for (const { key, value } of headers) {
      if (!key.startsWith(":")) this.block.scan("response_headers", key, value);
    }
    if (endOfStream) this.bodyEnded = true;
    return this.collector.takeFresh();
  }

  body(chunk: Uint8Array, endOfStream: boolean): readonly Match[] {
    if (this.bodyEnded) return this.collector.takeFresh();
    this.bytesSeen += chunk.length;
    const room = this.limits.inspectionLimitBytes - this.bytesInspected;
    const part = room >= chunk.length ? chunk : chunk.subarray(0, Math.max(room, 0));
    if (part.length > 0 && !this.raw.empty) {
      this.bytesInspected += part.length;
      this.raw.resume("");
      this.raw.data(part);
    }
    if (endOfStream) this.endBody();
    return this.collector.takeFresh();
  }

  trailers(trailers: readonly HeaderEntry[]): readonly Match[] {
    this.endBody();
    for (const { key, value } of trailers) this.block.scan("response_headers", key, value);
    return this.collector.takeFresh();
  }

  close(): void {
    this.raw.close();
  }

  private endBody(): void {
    if (this.bodyEnded) return;
    this.bodyEnded = true;
    this.raw.end();
  }
}
