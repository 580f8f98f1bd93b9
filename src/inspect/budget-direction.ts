/**
 * One direction's inspector under the per-message time budget (budget.ts explains the policy).
 * It decorates the engine's DirectionInspector: small messages go straight through (no promise,
 * no timer), a message larger than a slice is fed in slices with a yield to the event loop and
 * a look at the clock between two slices, and an asynchronous slice is raced against the time
 * left. Once a message ran out of budget the direction is "cut": nothing more of it reaches the
 * inner inspector. A gap in the middle of a body would desynchronise the field decoders (a JSON
 * string or a multipart part cut in two reads as a syntax error), and the inner inspector may
 * still be busy with the abandoned slice, so its later messages and trailers pass uninspected
 * (and are counted as seen, not inspected). The inner inspector's body rewriter (redaction in
 * FULL_DUPLEX_STREAMED) is passed on.
 */
import { type BodyRewriter, bodyRewriterOf } from "../redact/body-rewriter.js";
import type { BudgetHooks, MessageBudget } from "./budget.js";
import { timeBudgetFinding } from "./budget-finding.js";
import {
  type Direction,
  type DirectionInspector,
  type HeaderEntry,
  type Inspected,
  isPending,
  type Match,
} from "./types.js";

const NONE: readonly Match[] = Object.freeze([]);
const TIMED_OUT = Symbol("timed out");

/** Share of an extended timeout weir uses; the rest is headroom for the answer to reach Envoy. */
const EXTENSION_SHARE = 0.75;

/** The budget of one message: a deadline, extendable once (Envoy allows one per state, §2.J-3). */
class MessageClock {
  #deadline: number;
  #extended = false;

  constructor(private readonly budgetMs: number) {
    this.#deadline = performance.now() + budgetMs;
  }

  /** Milliseconds left; Infinity when the budget is off. */
  remaining(): number {
    return this.budgetMs === 0 ? Number.POSITIVE_INFINITY : this.#deadline - performance.now();
  }

  get extended(): boolean {
    return this.#extended;
  }

  extend(ms: number): void {
    this.#extended = true;
    this.#deadline = performance.now() + ms;
  }
}

export class BudgetedDirection implements DirectionInspector {
  /** A message of this direction ran out of budget: the rest passes uninspected. */
  #cut = false;
  #skipped = 0;

  constructor(
    private readonly direction: Direction,
    private readonly inner: DirectionInspector,
    private readonly budget: MessageBudget,
    private readonly hooks: BudgetHooks,
  ) {}

  get bytesSeen(): number {
    return this.inner.bytesSeen + this.#skipped;
  }

  get bytesInspected(): number {
    return this.inner.bytesInspected;
  }

  get excluded(): readonly Match[] {
    return this.inner.excluded ?? NONE;
  }

  /**
   * The inner inspector's body rewriter (FULL_DUPLEX_STREAMED redaction), passed on: once the
   * direction is cut, bytes stop reaching it, which its `bytesTaken` shows to the exchange.
   */
  get rewriter(): BodyRewriter | undefined {
    return bodyRewriterOf(this.inner);
  }

  headers(headers: readonly HeaderEntry[], endOfStream: boolean): readonly Match[] {
    return this.inner.headers(headers, endOfStream);
  }

  body(chunk: Uint8Array, endOfStream: boolean): Inspected {
    if (this.#cut) {
      this.#skipped += chunk.byteLength;
      return NONE;
    }
    const clock = new MessageClock(this.budget.budgetMs);
    if (chunk.byteLength > this.budget.sliceBytes) return this.#sliced(chunk, endOfStream, clock);
    const result = this.inner.body(chunk, endOfStream);
    if (!isPending(result)) return result;
    return this.#settle(result, clock);
  }

  trailers(trailers: readonly HeaderEntry[]): Inspected {
    if (this.#cut) return NONE;
    const result = this.inner.trailers(trailers);
    if (!isPending(result)) return result;
    return this.#settle(result, new MessageClock(this.budget.budgetMs));
  }

  close(): void {
    this.inner.close();
  }

  /** Feeds a large message slice by slice, yielding and checking the clock in between. */
  async #sliced(
    chunk: Uint8Array,
    endOfStream: boolean,
    clock: MessageClock,
  ): Promise<readonly Match[]> {
    const found: Match[] = [];
    const length = chunk.byteLength;
    let offset = 0;
    while (offset < length) {
      const end = Math.min(offset + this.budget.sliceBytes, length);
      const result = this.inner.body(chunk.subarray(offset, end), endOfStream && end === length);
      if (isPending(result)) {
        const settled = await this.#within(result, clock);
        if (settled === TIMED_OUT) return this.#exceeded(found, offset, length - end);
        found.push(...settled);
      } else {
        found.push(...result);
      }
      offset = end;
      if (offset === length) break;
      await yieldToEventLoop();
      if (clock.remaining() <= 0 && !this.#extend(clock)) {
        return this.#exceeded(found, offset, length - offset);
      }
    }
    return found;
  }

  /**
   * A whole message handed to the inner inspector at once, answering asynchronously: its
   * matches, or the budget's verdict if time ran out (no byte of it is left to skip).
   */
  async #settle(
    pending: Promise<readonly Match[]>,
    clock: MessageClock,
  ): Promise<readonly Match[]> {
    const settled = await this.#within(pending, clock);
    return settled === TIMED_OUT ? this.#exceeded(NONE, 0, 0) : settled;
  }

  /** Waits for `pending` within the clock, asking Envoy for more time once if allowed. */
  async #within(
    pending: Promise<readonly Match[]>,
    clock: MessageClock,
  ): Promise<readonly Match[] | typeof TIMED_OUT> {
    let settled = await race(pending, clock.remaining());
    if (settled === TIMED_OUT && this.#extend(clock))
      settled = await race(pending, clock.remaining());
    if (settled === TIMED_OUT) {
      // Abandoned: the inner inspector may still settle it (or never, once closed); a late
      // rejection must not become an unhandled one.
      pending.catch(() => {});
    }
    return settled;
  }

  #extend(clock: MessageClock): boolean {
    const ms = this.budget.overrideMessageTimeoutMs;
    if (ms === 0 || clock.extended) return false;
    if (!this.hooks.extend(this.direction, ms)) return false;
    clock.extend(Math.floor(ms * EXTENSION_SHARE));
    return true;
  }

  /** The budget ran out `offset` bytes into the message; `rest` bytes were not inspected. */
  #exceeded(found: readonly Match[], offset: number, rest: number): readonly Match[] {
    this.#cut = true;
    this.#skipped += rest;
    const policy = this.budget.onExceeded;
    const finding = timeBudgetFinding(this.direction, policy, offset);
    this.hooks.exceeded(this.direction, policy, finding);
    return policy === "closed" ? [...found, finding] : found;
  }
}

/** `pending`'s value, or TIMED_OUT after `ms` (never, when ms is Infinity). */
async function race<T>(pending: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  if (ms === Number.POSITIVE_INFINITY) return pending;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lets other streams' messages (and timers) run before the next slice. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
