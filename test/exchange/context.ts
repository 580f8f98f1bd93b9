/**
 * An ExchangeContext for tests that call an observer or the event log directly (the exchange
 * builds real ones from the stream's first messages).
 */
import type { ExchangeContext } from "../../src/exchange/observer.js";

export function testContext(overrides: Partial<ExchangeContext> = {}): ExchangeContext {
  return {
    requestId: "req-1",
    route: "default",
    mode: "enforce",
    threshold: 5,
    responseThreshold: 4,
    clientAddress: "192.0.2.10",
    method: "POST",
    host: "app.example.com",
    path: "/api/notes",
    ...overrides,
  };
}
