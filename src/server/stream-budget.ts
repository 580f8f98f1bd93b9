/**
 * Puts one stream's ExchangeInspector under the per-message time budget (inspect/budget.ts), or
 * without one under slicing alone (UNTIMED), and
 * connects the budget to the stream: an exceeded budget is counted, logged, and, when it passes
 * the rest uninspected (`open`), recorded as a detect decision carrying finding 990009 so the
 * security event log and weir_decisions_total show it; a request for more time is written on
 * the stream at once as a ProcessingResponse holding only `override_message_timeout` (Envoy
 * treats such a message as a timer extension and nothing else, contract §2.D-3, §2.J-3).
 */
import { create } from "@bufbuild/protobuf";
import type { ExchangeContext, ExchangeObserver } from "../exchange/observer.js";
import {
  type ProcessingResponse,
  ProcessingResponseSchema,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import {
  DEFAULT_MESSAGE_BUDGET,
  type MessageBudget,
  withMessageBudget,
} from "../inspect/budget.js";
import type { ExchangeInspector } from "../inspect/types.js";
import type { LimitsObserver } from "./limits-observer.js";
import type { ServerLog } from "./server-log.js";

/**
 * Without a configured budget, large messages are still inspected in slices with yields to the
 * event loop (one 64 MiB BUFFERED body must not stall every other stream), but without a clock.
 */
export const UNTIMED: MessageBudget = {
  ...DEFAULT_MESSAGE_BUDGET,
  budgetMs: 0,
  overrideMessageTimeoutMs: 0,
};

export interface StreamBudgetOptions {
  /** The budget; undefined = UNTIMED (sliced, never cut short). */
  readonly timing?: MessageBudget | undefined;
  readonly limits: LimitsObserver;
  readonly observer: ExchangeObserver;
  readonly log: ServerLog;
}

/** What the budget needs from the stream it serves. */
export interface BudgetedStream {
  /** Writes one answer now, ahead of the answer of the message in progress. */
  write(answer: ProcessingResponse): void;
  /** Who and where the exchange is, for logs and events (undefined before it exists). */
  context(): ExchangeContext | undefined;
}

export function budgetedInspector(
  inspector: ExchangeInspector,
  options: StreamBudgetOptions,
  stream: BudgetedStream,
): ExchangeInspector {
  const budget = options.timing ?? UNTIMED;
  return withMessageBudget(inspector, budget, {
    exceeded(direction, policy, finding) {
      options.limits.budgetExceeded(direction, policy);
      const context = stream.context();
      options.log("warn", "inspection_budget_exceeded", {
        direction,
        policy,
        budget_ms: budget.budgetMs,
        offset: finding.offset,
        request_id: context?.requestId ?? "",
      });
      if (policy === "open" && context !== undefined) {
        const decision = { kind: "detect", score: 0, matches: [finding] } as const;
        options.observer.decided(direction, decision, context);
      }
    },
    extend(direction, timeoutMs) {
      stream.write(overrideMessageTimeout(timeoutMs));
      options.limits.messageTimeoutExtended(direction);
      return true;
    },
  });
}

/** A ProcessingResponse asking Envoy to restart this direction's timer with `ms`. */
export function overrideMessageTimeout(ms: number): ProcessingResponse {
  return create(ProcessingResponseSchema, {
    overrideMessageTimeout: {
      seconds: BigInt(Math.floor(ms / 1000)),
      nanos: (ms % 1000) * 1_000_000,
    },
  });
}
