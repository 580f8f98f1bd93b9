/**
 * The per-message time budget (src/inspect/budget*.ts, src/server/stream-budget.ts): slicing of
 * large messages, both policies, the extension through override_message_timeout, and the
 * budget's counters; first on the decorator alone, then through a real server. Slow inspection
 * is made with the stall hook (an answer that settles later) or with slices that each take a
 * known minimum time, so every assertion follows from the order of events, never from how fast
 * the machine is.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import type { ExchangeContext } from "../../src/exchange/observer.js";
import {
  type BudgetHooks,
  type BudgetPolicy,
  checkMessageBudget,
  DEFAULT_MESSAGE_BUDGET,
  type MessageBudget,
  withMessageBudget,
} from "../../src/inspect/budget.js";
import { TIME_BUDGET_PASSED_ID, TIME_BUDGET_REFUSED_ID } from "../../src/inspect/budget-finding.js";
import { findingRuleById } from "../../src/inspect/findings.js";
import {
  type DirectionInspector,
  type ExchangeInspector,
  type HeaderEntry,
  type Inspected,
  isPending,
  type Match,
} from "../../src/inspect/types.js";
import type { Decision } from "../../src/policy/decision.js";
import { stallingEngine } from "../cases/stalling-engine.js";
import { FakeEngine } from "../exchange/fake-engine.js";
import { RecordingObserver } from "../exchange/recording-observer.js";
import { Harness } from "./grpc-harness.js";
import { requestBody, streamedPostHeaders } from "./messages.js";

const KIB = 1024;

/** Records what the budget told its owner. */
class RecordingHooks implements BudgetHooks {
  readonly exceededCalls: { direction: string; policy: BudgetPolicy; finding: Match }[] = [];
  readonly extensions: number[] = [];
  constructor(private readonly allowExtension = true) {}
  exceeded(direction: "request" | "response", policy: BudgetPolicy, finding: Match): void {
    this.exceededCalls.push({ direction, policy, finding });
  }
  extend(_direction: "request" | "response", timeoutMs: number): boolean {
    this.extensions.push(timeoutMs);
    return this.allowExtension;
  }
}

/** An inner inspector that records the calls it gets; optionally slow or asynchronous. */
class ProbeDirection implements DirectionInspector {
  readonly calls: { bytes: number; endOfStream: boolean }[] = [];
  bytesSeen = 0;
  bytesInspected = 0;
  constructor(
    private readonly behaviour: {
      /** Busy time per body call (a synchronous slow slice). */
      readonly busyMs?: number;
      /** Answer through a promise settling after this long. */
      readonly settleAfterMs?: number;
      /** A match to report on the n-th call (0-based). */
      readonly matchOnCall?: number;
    } = {},
  ) {}
  headers(_h: readonly HeaderEntry[], _e: boolean): readonly Match[] {
    return [];
  }
  body(chunk: Uint8Array, endOfStream: boolean): Inspected {
    const call = this.calls.length;
    this.calls.push({ bytes: chunk.byteLength, endOfStream });
    this.bytesSeen += chunk.byteLength;
    this.bytesInspected += chunk.byteLength;
    const busy = this.behaviour.busyMs;
    if (busy !== undefined) {
      const until = performance.now() + busy;
      while (performance.now() < until) {
        // a slice whose inspection takes at least `busy` ms
      }
    }
    const found: readonly Match[] =
      this.behaviour.matchOnCall === call ? [probeMatch(100_000 + call)] : [];
    const after = this.behaviour.settleAfterMs;
    if (after === undefined) return found;
    return new Promise((resolve) => setTimeout(() => resolve(found), after));
  }
  trailers(): readonly Match[] {
    return [];
  }
  close(): void {}
}

function probeMatch(signatureId: number): Match {
  return {
    signatureId,
    family: "sqli",
    severity: "critical",
    score: 5,
    target: "request_body",
    field: "",
    offset: 0,
  };
}

function budgeted(
  inner: DirectionInspector,
  budget: Partial<MessageBudget>,
  hooks: BudgetHooks = new RecordingHooks(),
): DirectionInspector {
  const exchange: ExchangeInspector = {
    request: inner,
    response: new ProbeDirection(),
    close: () => {},
  };
  return withMessageBudget(exchange, { ...DEFAULT_MESSAGE_BUDGET, ...budget }, hooks).request;
}

async function settle(result: Inspected): Promise<readonly Match[]> {
  return isPending(result) ? await result : result;
}

describe("the budget decorator", () => {
  it("passes a message up to one slice straight through, without a promise", () => {
    const inner = new ProbeDirection({ matchOnCall: 0 });
    const result = budgeted(inner, { sliceBytes: 4 * KIB }).body(new Uint8Array(4 * KIB), true);
    expect(isPending(result)).toBe(false);
    expect(result).toEqual([probeMatch(100_000)]);
    expect(inner.calls).toEqual([{ bytes: 4 * KIB, endOfStream: true }]);
  });

  it("feeds a larger message in slices, end_of_stream on the last only, matches of every slice", async () => {
    const inner = new ProbeDirection({ matchOnCall: 2 });
    const result = budgeted(inner, { sliceBytes: 4 * KIB }).body(new Uint8Array(10 * KIB), true);
    expect(isPending(result)).toBe(true);
    expect(await settle(result)).toEqual([probeMatch(100_002)]);
    expect(inner.calls).toEqual([
      { bytes: 4 * KIB, endOfStream: false },
      { bytes: 4 * KIB, endOfStream: false },
      { bytes: 2 * KIB, endOfStream: true },
    ]);
  });

  it("finds a pattern split by the slicing as the whole message would (fake engine)", async () => {
    const engine = new FakeEngine();
    const whole: DirectionInspector = engine.openExchange().request;
    const sliced = budgeted(engine.openExchange().request, { sliceBytes: 1024 });
    const body = Buffer.alloc(3000, "x");
    body.write("ATTACK", 1021, "latin1");
    const ids = (found: readonly Match[]) => found.map((m) => m.signatureId);
    const expected = ids(await settle(whole.body(body, true)));
    expect(expected).toEqual([100001]);
    expect(ids(await settle(sliced.body(body, true)))).toEqual(expected);
  });

  for (const policy of ["closed", "open"] as const) {
    it(`refuses (closed) or passes the rest uninspected (open) when an answer is late: ${policy}`, async () => {
      const hooks = new RecordingHooks(false);
      const inner = new ProbeDirection({ settleAfterMs: 200, matchOnCall: 0 });
      const direction = budgeted(inner, { budgetMs: 20, onExceeded: policy }, hooks);
      const found = await settle(direction.body(new Uint8Array(100), false));
      expect(hooks.exceededCalls.map((c) => [c.policy, c.finding.signatureId])).toEqual([
        [policy, policy === "closed" ? TIME_BUDGET_REFUSED_ID : TIME_BUDGET_PASSED_ID],
      ]);
      // The late answer is abandoned: its match is not reported.
      expect(found.map((m) => m.signatureId)).toEqual(
        policy === "closed" ? [TIME_BUDGET_REFUSED_ID] : [],
      );
      // The direction is cut: later messages and trailers never reach the inner inspector.
      expect(await settle(direction.body(new Uint8Array(50), true))).toEqual([]);
      expect(await settle(direction.trailers([]))).toEqual([]);
      expect(inner.calls).toHaveLength(1);
      expect(direction.bytesSeen).toBe(150);
      expect(direction.bytesInspected).toBe(100);
    });
  }

  it("stops between slices once the budget is spent and counts the rest as seen", async () => {
    const hooks = new RecordingHooks(false);
    const inner = new ProbeDirection({ busyMs: 30 });
    const direction = budgeted(inner, { budgetMs: 50, sliceBytes: 1024 }, hooks);
    const found = await settle(direction.body(new Uint8Array(10 * 1024), true));
    // Each slice takes at least 30 ms, so the clock is past 50 ms after the second one.
    expect(inner.calls.length).toBeGreaterThanOrEqual(2);
    expect(inner.calls.length).toBeLessThan(10);
    expect(found.map((m) => m.signatureId)).toEqual([TIME_BUDGET_REFUSED_ID]);
    expect(found[0]?.offset).toBe(inner.calls.length * 1024);
    expect(direction.bytesSeen).toBe(10 * 1024);
    expect(inner.calls.every((c) => !c.endOfStream)).toBe(true);
  });

  it("asks Envoy for more time once, then gets the late answer", async () => {
    const hooks = new RecordingHooks(true);
    const inner = new ProbeDirection({ settleAfterMs: 60, matchOnCall: 0 });
    const direction = budgeted(inner, { budgetMs: 10, overrideMessageTimeoutMs: 4000 }, hooks);
    const found = await settle(direction.body(new Uint8Array(10), true));
    expect(hooks.extensions).toEqual([4000]);
    expect(hooks.exceededCalls).toEqual([]);
    expect(found).toEqual([probeMatch(100_000)]);
  });

  it("applies the policy when Envoy cannot be asked, or the extension runs out too", async () => {
    const refused = new RecordingHooks(false);
    const a = budgeted(
      new ProbeDirection({ settleAfterMs: 300 }),
      {
        budgetMs: 10,
        overrideMessageTimeoutMs: 4000,
      },
      refused,
    );
    await settle(a.body(new Uint8Array(10), true));
    expect(refused.extensions).toEqual([4000]);
    expect(refused.exceededCalls).toHaveLength(1);

    const short = new RecordingHooks(true);
    const b = budgeted(
      new ProbeDirection({ settleAfterMs: 300 }),
      {
        budgetMs: 10,
        overrideMessageTimeoutMs: 20,
      },
      short,
    );
    await settle(b.body(new Uint8Array(10), true));
    expect(short.extensions).toEqual([20]);
    expect(short.exceededCalls).toHaveLength(1);
  });

  it("never times out with the clock off (budget 0), and drops a late rejection quietly", async () => {
    const hooks = new RecordingHooks();
    const slow = budgeted(new ProbeDirection({ settleAfterMs: 30 }), { budgetMs: 0 }, hooks);
    expect(await settle(slow.body(new Uint8Array(10), true))).toEqual([]);
    expect(hooks.exceededCalls).toEqual([]);

    const rejecting: DirectionInspector = {
      ...new ProbeDirection(),
      bytesSeen: 0,
      bytesInspected: 0,
      headers: () => [],
      trailers: () => [],
      close: () => {},
      body: () => new Promise((_, reject) => setTimeout(() => reject(new Error("late")), 50)),
    };
    const cut = budgeted(rejecting, { budgetMs: 5 }, new RecordingHooks(false));
    await settle(cut.body(new Uint8Array(10), true));
    // The abandoned promise rejects after the test moved on; vitest fails on unhandled ones.
    await new Promise((resolve) => setTimeout(resolve, 80));
  });

  it("registers its findings: 990008 refuses with 403 (shared case 50), 990009 is a limit", () => {
    expect(findingRuleById(TIME_BUDGET_REFUSED_ID)).toMatchObject({
      family: "limits",
      status: 403,
    });
    expect(findingRuleById(TIME_BUDGET_PASSED_ID)).toMatchObject({ family: "limits" });
  });

  it("refuses settings it cannot honour, naming the setting", () => {
    expect(() => checkMessageBudget({ ...DEFAULT_MESSAGE_BUDGET, budgetMs: -1 })).toThrow(
      /timing\.messageBudgetMs/,
    );
    expect(() =>
      checkMessageBudget({ ...DEFAULT_MESSAGE_BUDGET, onExceeded: "maybe" as BudgetPolicy }),
    ).toThrow(/timing\.onBudgetExceeded/);
    expect(checkMessageBudget(DEFAULT_MESSAGE_BUDGET)).toBe(DEFAULT_MESSAGE_BUDGET);
  });
});

/** Records limits counters and the matches of every decision. */
class BudgetObserver extends RecordingObserver {
  readonly overruns: string[] = [];
  readonly extensionsAsked: string[] = [];
  readonly matches: number[][] = [];
  override decided(
    direction: "request" | "response",
    decision: Decision,
    context: ExchangeContext,
  ): void {
    super.decided(direction, decision, context);
    if (decision.kind !== "allow") this.matches.push(decision.matches.map((m) => m.signatureId));
  }
  budgetExceeded(direction: string, policy: string): void {
    this.overruns.push(`${direction}/${policy}`);
  }
  messageTimeoutExtended(direction: string): void {
    this.extensionsAsked.push(direction);
  }
  protocolAnomaly(): void {}
  inflightBodyBytes(): void {}
}

describe("the budget through the server", () => {
  let harness: Harness | undefined;
  afterEach(() => harness?.close());

  async function start(timing: Partial<MessageBudget>): Promise<{ h: Harness; o: BudgetObserver }> {
    const o = new BudgetObserver();
    const engine = stallingEngine(new FakeEngine(), { bodyMessage: 2, ms: 300 });
    const h = await Harness.start({
      engine: () => engine,
      server: { observer: o, limits: o, timing: { ...DEFAULT_MESSAGE_BUDGET, ...timing } },
    });
    harness = h;
    return { h, o };
  }

  it("closed: the stalled chunk is refused with 403 limits before its inspection ends", async () => {
    const { h, o } = await start({ budgetMs: 30 });
    const s = h.open();
    s.write(streamedPostHeaders("req-budget-1"));
    s.write(requestBody({ text: "a=1" }));
    s.write(requestBody({ text: "b=ATTACK", endOfStream: true }));
    const [headers, first, refusal] = await s.take(3);
    expect([headers?.response.case, first?.response.case]).toEqual([
      "requestHeaders",
      "requestBody",
    ]);
    expect(refusal?.response.case).toBe("immediateResponse");
    if (refusal?.response.case !== "immediateResponse") throw new Error("no refusal");
    expect(refusal.response.value.status?.code).toBe(403);
    expect(refusal.response.value.details).toBe("weir_blocked_limits");
    expect(JSON.stringify(refusal.dynamicMetadata)).toContain(String(TIME_BUDGET_REFUSED_ID));
    s.halfClose();
    expect((await s.status).code).toBe(grpc.status.OK);
    await o.whenClosed(1);
    expect(o.overruns).toEqual(["request/closed"]);
    // The abandoned inspection's ATTACK match never reached a decision.
    expect(o.matches.flat()).not.toContain(100001);
  });

  it("open: the stalled chunk is answered CONTINUE, recorded as 990009, the rest uninspected", async () => {
    const { h, o } = await start({ budgetMs: 30, onExceeded: "open" });
    const s = h.open();
    s.write(streamedPostHeaders("req-budget-2"));
    s.write(requestBody({ text: "a=1" }));
    s.write(requestBody({ text: "b=2" }));
    s.write(requestBody({ text: "c=ATTACK", endOfStream: true }));
    const answers = await s.take(4);
    expect(answers.map((a) => a.response.case)).toEqual([
      "requestHeaders",
      "requestBody",
      "requestBody",
      "requestBody",
    ]);
    s.halfClose();
    expect((await s.status).code).toBe(grpc.status.OK);
    await o.whenClosed(1);
    expect(o.overruns).toEqual(["request/open"]);
    expect(o.matches).toEqual([[TIME_BUDGET_PASSED_ID]]);
    expect(o.outcomes).toEqual(["allow"]);
  });

  it("asks Envoy for more time with a message holding only override_message_timeout", async () => {
    const { h, o } = await start({ budgetMs: 30, overrideMessageTimeoutMs: 5000 });
    const s = h.open();
    s.write(streamedPostHeaders("req-budget-3"));
    s.write(requestBody({ text: "a=1" }));
    s.write(requestBody({ text: "b=ATTACK", endOfStream: true }));
    const answers = await s.take(4);
    expect(answers.map((a) => a.response.case ?? "none")).toEqual([
      "requestHeaders",
      "requestBody",
      "none",
      "immediateResponse",
    ]);
    const extension = answers[2];
    expect(extension?.overrideMessageTimeout).toMatchObject({ seconds: 5n, nanos: 0 });
    expect(extension?.dynamicMetadata).toBeUndefined();
    s.halfClose();
    await s.status;
    await o.whenClosed(1);
    expect(o.extensionsAsked).toEqual(["request"]);
    expect(o.overruns).toEqual([]);
    // The late inspection finished in the extended time: the signature refused, not the budget.
    expect(o.matches.flat()).toContain(100001);
  });
});
