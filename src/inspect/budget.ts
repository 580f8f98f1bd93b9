/**
 * The per-message time budget (issue 3 item 4, contract §2.J): Envoy gives each ext_proc message
 * `message_timeout` (200 ms by default) and then answers 504 itself, or lets the request through
 * uninspected with `failure_mode_allow`. weir keeps its own, shorter budget per body or trailers
 * message so that it always answers first, with the policy the operator chose:
 *
 * - `closed` (the default): the exchange is refused. The message gets a `limits` finding
 *   (990008, `time_budget`), which the policy turns into an ImmediateResponse like any limit.
 * - `open`: the rest of the message, and of that direction's body, passes uninspected. The
 *   caller is told (to count, log and record finding 990009, `time_budget_passed`) but the
 *   finding is not returned to the policy, which would refuse on any `limits` finding.
 *
 * A message is inspected in slices (256 KiB by default) with a yield to the event loop between
 * two slices, so one large BUFFERED body neither holds the process nor escapes the clock; a slice
 * whose inspection is asynchronous (Content-Encoding) is raced against the budget. When the
 * operator allows it (`overrideMessageTimeoutMs` > 0), a message that runs out of budget first
 * asks Envoy for more time (`override_message_timeout`, honoured up to Envoy's
 * `max_message_timeout`, §2.J-3) and continues for three quarters of that time.
 *
 * The clock starts when the inspector is called with the message, and time the message waited
 * behind an earlier one of the same stream is not counted (Envoy's timer restarts on each send
 * too, §2.J-1). Headers are never sliced: Envoy bounds them (60 KiB by default).
 */
import { BudgetedDirection } from "./budget-direction.js";
import type { Direction, ExchangeInspector, Match } from "./types.js";

export const BUDGET_POLICIES = ["open", "closed"] as const;
export type BudgetPolicy = (typeof BUDGET_POLICIES)[number];

export interface MessageBudget {
  /**
   * `timing.messageBudgetMs`: wall-clock time one body or trailers message may take, below
   * Envoy's `message_timeout`. 0 turns the clock off (messages are still sliced).
   */
  readonly budgetMs: number;
  /** `timing.onBudgetExceeded`: refuse the exchange, or pass the rest uninspected. */
  readonly onExceeded: BudgetPolicy;
  /**
   * `timing.overrideMessageTimeoutMs`: the timeout weir asks Envoy for when a message runs out
   * of budget, once per message; 0 never asks. Must not exceed Envoy's `max_message_timeout`,
   * or Envoy ignores the request (and weir then acts on `onExceeded` as usual).
   */
  readonly overrideMessageTimeoutMs: number;
  /** Body bytes inspected between two yields to the event loop. */
  readonly sliceBytes: number;
}

export const DEFAULT_MESSAGE_BUDGET: MessageBudget = {
  budgetMs: 150,
  onExceeded: "closed",
  overrideMessageTimeoutMs: 0,
  sliceBytes: 256 * 1024,
};

/** Envoy's `message_timeout` range is 0-3600 s (contract §2.J-1). */
const MAX_MS = 3_600_000;

/** Refuses settings weir cannot honour, naming the setting and the value. */
export function checkMessageBudget(budget: MessageBudget): MessageBudget {
  const integer = (key: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`timing.${key} must be an integer in [${min}, ${max}], got ${value}`);
    }
  };
  integer("messageBudgetMs", budget.budgetMs, 0, MAX_MS);
  integer("overrideMessageTimeoutMs", budget.overrideMessageTimeoutMs, 0, MAX_MS);
  integer("sliceBytes", budget.sliceBytes, 1024, 64 * 1024 * 1024);
  if (!BUDGET_POLICIES.includes(budget.onExceeded)) {
    throw new RangeError(
      `timing.onBudgetExceeded must be one of ${BUDGET_POLICIES.join(", ")}, got ${String(budget.onExceeded)}`,
    );
  }
  return budget;
}

/** What the budget tells the stream that owns the exchange. */
export interface BudgetHooks {
  /**
   * A message ran out of budget; `finding` says where. With `open` this is the only trace of
   * it (the caller records it); with `closed` the finding is also returned to the policy.
   */
  exceeded(direction: Direction, policy: BudgetPolicy, finding: Match): void;
  /**
   * Ask Envoy for `timeoutMs` more for the message in progress (write a ProcessingResponse
   * with only `override_message_timeout`). False when it cannot be asked now.
   */
  extend(direction: Direction, timeoutMs: number): boolean;
}

/** Both directions of `exchange` under the budget; close and the route scope pass through. */
export function withMessageBudget(
  exchange: ExchangeInspector,
  budget: MessageBudget,
  hooks: BudgetHooks,
): ExchangeInspector {
  const wrapped: ExchangeInspector = {
    request: new BudgetedDirection("request", exchange.request, budget, hooks),
    response: new BudgetedDirection("response", exchange.response, budget, hooks),
    close: () => exchange.close(),
  };
  const useScope = exchange.useScope?.bind(exchange);
  return useScope === undefined ? wrapped : { ...wrapped, useScope };
}
