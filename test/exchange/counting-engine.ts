/**
 * Wraps a real InspectionEngine so protocol tests can check, as with the fake engine, that
 * every ExchangeInspector the server opens is closed exactly once. Used by transcripts that run
 * on the fixture signature set (test/fixtures/inspect/signatures.json) instead of the fake.
 */
import { readFileSync } from "node:fs";
import { compileEngine } from "../../src/inspect/engine.js";
import { DEFAULT_LIMITS, type InspectionLimits } from "../../src/inspect/limits.js";
import type { EngineInfo, ExchangeInspector, InspectionEngine } from "../../src/inspect/types.js";
import type { CompilableSignature } from "../../src/signatures/compile.js";

const SIGNATURES = new URL("../fixtures/inspect/signatures.json", import.meta.url);

export interface CountedExchange {
  closes: number;
}

export class CountingEngine implements InspectionEngine {
  readonly exchanges: CountedExchange[] = [];

  constructor(private readonly inner: InspectionEngine) {}

  get info(): EngineInfo {
    return this.inner.info;
  }

  openExchange(): ExchangeInspector {
    const opened = this.inner.openExchange();
    const counted: CountedExchange = { closes: 0 };
    this.exchanges.push(counted);
    return {
      request: opened.request,
      response: opened.response,
      useScope: (scope, excerpts) => opened.useScope?.(scope, excerpts),
      close: () => {
        counted.closes++;
        opened.close();
      },
    };
  }

  /** Exchanges whose close() was called a number of times other than once. */
  notClosedOnce(): CountedExchange[] {
    return this.exchanges.filter((e) => e.closes !== 1);
  }
}

/**
 * The fixture signature set compiled at `paranoia` (1 by default: signature 7, paranoia 2, is
 * left out), with `limits` over the default limits.
 */
export function signatureEngine(
  limits: Partial<InspectionLimits> = {},
  paranoia = 1,
): CountingEngine {
  const signatures = JSON.parse(readFileSync(SIGNATURES, "utf8")) as CompilableSignature[];
  return new CountingEngine(
    compileEngine(signatures, { paranoia, limits: { ...DEFAULT_LIMITS, ...limits } }),
  );
}
