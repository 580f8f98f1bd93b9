/**
 * The fake engine with asynchronous request bodies, as the real engine has while it undoes a
 * Content-Encoding: each body call answers through a promise that settles after a timer or when
 * the test opens a gate, and only then runs the fake's own inspection, so handling two messages
 * of one stream at once would show up as answers out of order or findings on the wrong answer.
 * A chunk containing the reject word makes the promise reject (an inspector failure).
 */
import type { DirectionInspector, Match } from "../../src/inspect/types.js";
import { FakeEngine } from "../exchange/fake-engine.js";

export interface AsyncBodyOptions {
  /** Milliseconds before the n-th body call of an exchange (0-based) settles. */
  readonly delayMs?: (call: number) => number;
  /** When given, body calls settle once this promise resolves (instead of a timer). */
  readonly gate?: Promise<void>;
  /** A chunk containing this text rejects. */
  readonly rejectOn?: string;
  /** Told when a body call starts (before it waits). */
  readonly onCall?: () => void;
}

export function asyncBodyEngine(options: AsyncBodyOptions = {}): FakeEngine {
  const engine = new FakeEngine();
  const open = engine.openExchange.bind(engine);
  engine.openExchange = () => {
    const exchange = open();
    const body = exchange.request.body.bind(exchange.request);
    let calls = 0;
    const request: DirectionInspector = exchange.request;
    request.body = async (chunk: Uint8Array): Promise<readonly Match[]> => {
      const call = calls++;
      options.onCall?.();
      if (options.gate !== undefined) await options.gate;
      else await new Promise((resolve) => setTimeout(resolve, options.delayMs?.(call) ?? 0));
      if (options.rejectOn !== undefined && Buffer.from(chunk).includes(options.rejectOn)) {
        throw new Error("inflate stage exploded");
      }
      return body(chunk);
    };
    return exchange;
  };
  return engine;
}
