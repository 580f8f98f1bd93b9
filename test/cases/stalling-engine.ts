/**
 * Test hook for the time budget (shared case 50, conformance J2): an engine whose inspection
 * of one given body message stalls. The wrapped inspector does its work at once but answers
 * that message only after `ms`, as a slow asynchronous stage (a large inflate, an overloaded
 * machine) would; the server's budget decorator sits outside it and sees a pending inspection.
 * A synchronous stall could not be told apart from a blocked process: nothing in the process,
 * Envoy's timer included, would run until it ends.
 */
import type {
  DirectionInspector,
  ExchangeInspector,
  HeaderEntry,
  Inspected,
  InspectionEngine,
  Match,
} from "../../src/inspect/types.js";
import { type BodyRewriter, bodyRewriterOf } from "../../src/redact/body-rewriter.js";

export interface StallHook {
  /** Which direction's body messages are counted (default request). */
  readonly direction?: "request" | "response";
  /** The body message (1-based, per exchange) whose answer stalls. */
  readonly bodyMessage: number;
  readonly ms: number;
}

export function stallingEngine(engine: InspectionEngine, hook: StallHook): InspectionEngine {
  return {
    get info() {
      return engine.info;
    },
    openExchange(): ExchangeInspector {
      const exchange = engine.openExchange();
      const direction = hook.direction ?? "request";
      const stalled = new StallingDirection(exchange[direction], hook);
      const wrapped: ExchangeInspector = {
        request: direction === "request" ? stalled : exchange.request,
        response: direction === "response" ? stalled : exchange.response,
        close: () => exchange.close(),
      };
      const useScope = exchange.useScope?.bind(exchange);
      return useScope === undefined ? wrapped : { ...wrapped, useScope };
    },
  };
}

class StallingDirection implements DirectionInspector {
  #calls = 0;

  constructor(
    private readonly inner: DirectionInspector,
    private readonly hook: StallHook,
  ) {}

  get bytesSeen(): number {
    return this.inner.bytesSeen;
  }

  get bytesInspected(): number {
    return this.inner.bytesInspected;
  }

  get excluded(): readonly Match[] {
    return this.inner.excluded ?? [];
  }

  /** The inner inspector's body rewriter (redaction), passed on as the budget does. */
  get rewriter(): BodyRewriter | undefined {
    return bodyRewriterOf(this.inner);
  }

  headers(headers: readonly HeaderEntry[], endOfStream: boolean): readonly Match[] {
    return this.inner.headers(headers, endOfStream);
  }

  body(chunk: Uint8Array, endOfStream: boolean): Inspected {
    this.#calls++;
    const result = this.inner.body(chunk, endOfStream);
    if (this.#calls !== this.hook.bodyMessage) return result;
    return new Promise<readonly Match[]>((resolve) =>
      setTimeout(() => resolve(result), this.hook.ms),
    );
  }

  trailers(trailers: readonly HeaderEntry[]): Inspected {
    return this.inner.trailers(trailers);
  }

  close(): void {
    this.inner.close();
  }
}
