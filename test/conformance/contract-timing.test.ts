/**
 * Conformance, contract §2.J (timeouts) and §2.D-3, with weir's per-message time budget
 * (timing.messageBudgetMs 150 ms of Envoy's 200 ms message_timeout): the REAL engine under a
 * stall hook (test/cases/stalling-engine.ts: the inspection of the first body message answers
 * 400 ms late), through the Envoy simulator with Envoy's own timer armed. The stalled message
 * is the first body message because Envoy stops a direction's timer at each reply and re-arms
 * it only on the next send (§2.J-1 [inference]): a late message behind an answered one in a
 * STREAMED pipeline runs with no Envoy timer at all. Each test names its rule; the switch or
 * setting it runs with is in its name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MESSAGE_BUDGET, type MessageBudget } from "../../src/inspect/budget.js";
import { TIME_BUDGET_REFUSED_ID } from "../../src/inspect/budget-finding.js";
import { stallingEngine } from "../cases/stalling-engine.js";
import { Harness } from "../server/grpc-harness.js";
import { bytes, postHeaders, text } from "../simulator/helpers.js";
import { type ExchangeOutcome, runExchange, type SimConfig } from "../simulator/simulator.js";
import { expectConformant, payloads } from "./checks.js";
import { startWeirUnderTest, type WeirUnderTest } from "./weir-under-test.js";

/** Envoy's default message_timeout; weir's default budget is 150 ms of it. */
const ENVOY_TIMEOUT_MS = 200;
const STALL_MS = 400;

let weir: WeirUnderTest;
const harnesses: Harness[] = [];
beforeAll(async () => {
  weir = await startWeirUnderTest();
}, 60_000);
afterAll(() => {
  for (const h of harnesses) h.close();
  weir?.stop();
});

/** A weir whose inspection of the first request body message answers STALL_MS late. */
async function stalledWeir(timing: Partial<MessageBudget>): Promise<Harness> {
  const engine = stallingEngine(weir.engine, { bodyMessage: 1, ms: STALL_MS });
  const h = await Harness.start({
    engine: () => engine,
    server: { timing: { ...DEFAULT_MESSAGE_BUDGET, ...timing } },
  });
  harnesses.push(h);
  return h;
}

const form = (chunks: string[]) => ({
  requestHeaders: postHeaders().map(([k, v]): [string, string] => [
    k,
    k === "content-type" ? "application/x-www-form-urlencoded" : v,
  ]),
  requestChunks: chunks.map(bytes),
  requestTrailers: null,
});

function run(h: Harness, chunks: string[], config: SimConfig): Promise<ExchangeOutcome> {
  return runExchange({ address: h.target }, form(chunks), {
    requestBodyMode: "STREAMED",
    messageTimeoutMs: ENVOY_TIMEOUT_MS,
    ...config,
  });
}

const timedOut = (o: ExchangeOutcome) =>
  o.transcript.some(({ event }) => event.kind === "message_timeout");

describe("2.J timeouts: weir's budget answers before Envoy's message_timeout", () => {
  for (const failureModeAllow of [false, true]) {
    it(`J2 fail closed: the late message is refused 403 (limits) before Envoy's timer (failure_mode_allow=${failureModeAllow})`, async () => {
      const h = await stalledWeir({});
      const o = await run(h, [`q=${payloads.benign}`, "&a=1"], { failureModeAllow });
      expectConformant(o);
      expect(timedOut(o), "Envoy's timer fired first").toBe(false);
      expect(o.localReply?.status).toBe(403);
      expect(o.localReply?.details).toBe("weir_blocked_limits");
      const weirMetadata = o.dynamicMetadata.weir as { signature_ids?: number[] } | undefined;
      expect(weirMetadata?.signature_ids).toContain(TIME_BUDGET_REFUSED_ID);
      // The late chunk was never released to the upstream, nor what followed it.
      expect(text(o.request.body)).toBe("");
    });
  }

  it("J2 fail open: the late message and the rest pass uninspected, answered before Envoy's timer", async () => {
    const h = await stalledWeir({ onExceeded: "open" });
    const chunks = [`c=${payloads.attack}`, "&a=1", "&b=2"];
    const o = await run(h, chunks, {});
    expectConformant(o);
    expect(timedOut(o)).toBe(false);
    expect(o.verdict).toBe("allow");
    expect(text(o.request.body)).toBe(chunks.join(""));
  });

  it("J2 without weir's budget the same stall meets Envoy's timer: 504 (the failure the budget prevents)", async () => {
    const engine = stallingEngine(weir.engine, { bodyMessage: 1, ms: STALL_MS });
    const h = await Harness.start({ engine: () => engine });
    harnesses.push(h);
    const o = await run(h, ["a=1", "&b=2"], {});
    expect(timedOut(o)).toBe(true);
    expect(o.localReply?.status).toBe(504);
  });
});

describe("2.J-3 / 2.D-3 override_message_timeout", () => {
  it("J3 weir asks once for more time when the operator allows it and Envoy accepts (max_message_timeout)", async () => {
    const h = await stalledWeir({ overrideMessageTimeoutMs: 2000 });
    const o = await run(h, [`q=${payloads.attack}`, "&a=1"], {
      extProc: { maxMessageTimeoutMs: 5000 },
    });
    expectConformant(o, false, { timerExtension: true });
    expect(timedOut(o)).toBe(false);
    const extensions = o.transcript.filter(
      ({ event }) => event.kind === "received" && event.handling === "timeout_extended",
    );
    expect(extensions).toHaveLength(1);
    // The late inspection finished within the extension: the signature refused, not the budget.
    expect(o.verdict).toBe("block");
    const weirMetadata = o.dynamicMetadata.weir as { families?: string[] } | undefined;
    expect(weirMetadata?.families).toContain("sqli");
  });

  it("J3 [operator error] an extension above Envoy's max_message_timeout is ignored by Envoy, whose timer then fires", async () => {
    const h = await stalledWeir({ overrideMessageTimeoutMs: 2000 });
    const o = await run(h, ["a=1", "&b=2"], { extProc: { maxMessageTimeoutMs: 1000 } });
    const handled = o.transcript.flatMap(({ event }) =>
      event.kind === "received" && event.message.overrideMessageTimeout !== undefined
        ? [event.handling]
        : [],
    );
    expect(handled).toEqual(["timeout_override_ignored"]);
    expect(timedOut(o)).toBe(true);
    expect(o.localReply?.status).toBe(504);
  });

  it("J3 no override_message_timeout without the operator's setting, whatever Envoy allows", async () => {
    const h = await stalledWeir({ overrideMessageTimeoutMs: 0 });
    const o = await run(h, ["a=1", "&b=2"], { extProc: { maxMessageTimeoutMs: 5000 } });
    expectConformant(o);
    expect(o.received.every((r) => r.overrideMessageTimeout === undefined)).toBe(true);
    expect(o.localReply?.status).toBe(403);
  });
});
