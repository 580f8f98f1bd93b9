/**
 * A stand-in InspectionEngine for protocol tests: it knows three words, in any header value,
 * trailer value or body (also across chunk boundaries):
 * - "ATTACK"   -> signature 100001, family sqli, critical (score 5: blocks alone in enforce mode)
 * - "SUSPECT"  -> signature 100002, family xss, notice (score 2: below the default threshold)
 * - "OVERSIZE" -> signature 900001, family limits, critical (the policy answers 413)
 * Each signature fires at most once per direction, as the real inspector promises. It counts
 * opened and closed exchanges so tests can check that every inspector is closed exactly once.
 */
import type {
  Direction,
  DirectionInspector,
  EngineInfo,
  ExchangeInspector,
  Family,
  HeaderEntry,
  InspectionEngine,
  Match,
  Severity,
  Target,
} from "../../src/inspect/types.js";
import { SEVERITY_SCORE } from "../../src/inspect/types.js";

interface Word {
  readonly text: string;
  readonly signatureId: number;
  readonly family: Family;
  readonly severity: Severity;
}

export const FAKE_WORDS: readonly Word[] = [
  { text: "ATTACK", signatureId: 100001, family: "sqli", severity: "critical" },
  { text: "SUSPECT", signatureId: 100002, family: "xss", severity: "notice" },
  { text: "OVERSIZE", signatureId: 900001, family: "limits", severity: "critical" },
];
const LONGEST = Math.max(...FAKE_WORDS.map((w) => w.text.length));

class FakeDirection implements DirectionInspector {
  readonly #fired = new Set<number>();
  #carry = "";
  bytesSeen = 0;
  bytesInspected = 0;
  closes = 0;

  constructor(readonly direction: Direction) {}

  #find(text: string, target: Target, field: string): Match[] {
    const fresh: Match[] = [];
    for (const word of FAKE_WORDS) {
      const at = text.indexOf(word.text);
      if (at < 0 || this.#fired.has(word.signatureId)) continue;
      this.#fired.add(word.signatureId);
      fresh.push({
        signatureId: word.signatureId,
        family: word.family,
        severity: word.severity,
        score: SEVERITY_SCORE[word.severity],
        target,
        field,
        offset: at + word.text.length,
      });
    }
    return fresh;
  }

  #headers(entries: readonly HeaderEntry[], target: Target): Match[] {
    return entries.flatMap((e) =>
      this.#find(Buffer.from(e.value).toString("latin1"), target, e.key),
    );
  }

  headers(headers: readonly HeaderEntry[]): readonly Match[] {
    return this.#headers(
      headers,
      this.direction === "request" ? "request_headers" : "response_headers",
    );
  }

  body(chunk: Uint8Array): readonly Match[] {
    this.bytesSeen += chunk.byteLength;
    this.bytesInspected += chunk.byteLength;
    const text = this.#carry + Buffer.from(chunk).toString("latin1");
    this.#carry = text.slice(-(LONGEST - 1));
    return this.#find(text, this.direction === "request" ? "request_body" : "response_body", "");
  }

  trailers(trailers: readonly HeaderEntry[]): readonly Match[] {
    return this.#headers(
      trailers,
      this.direction === "request" ? "request_headers" : "response_headers",
    );
  }

  close(): void {
    this.closes++;
  }
}

export class FakeExchange implements ExchangeInspector {
  readonly request = new FakeDirection("request");
  readonly response = new FakeDirection("response");
  closes = 0;

  close(): void {
    this.closes++;
    this.request.close();
    this.response.close();
  }
}

export class FakeEngine implements InspectionEngine {
  readonly exchanges: FakeExchange[] = [];
  readonly info: EngineInfo = { hash: "fake", signatures: FAKE_WORDS.length, compileSeconds: 0 };

  openExchange(): FakeExchange {
    const exchange = new FakeExchange();
    this.exchanges.push(exchange);
    return exchange;
  }

  /** Exchanges whose close() was called a number of times other than once. */
  notClosedOnce(): FakeExchange[] {
    return this.exchanges.filter((e) => e.closes !== 1);
  }
}
