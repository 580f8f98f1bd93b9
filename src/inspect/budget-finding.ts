/**
 * The findings of the per-message time budget (budget.ts), with stable ids in the 9900xx range
 * of decoder and budget findings (docs/findings.md): 990008 when the exchange was refused
 * (`onBudgetExceeded: closed`), 990009 when the rest of the message passed uninspected
 * (`open`; recorded for events and metrics only, never handed to the policy).
 */
import type { Direction, Match } from "./types.js";
import { SEVERITY_SCORE } from "./types.js";

export const TIME_BUDGET_REFUSED_ID = 990008;
export const TIME_BUDGET_PASSED_ID = 990009;

/** The `limits` finding of a message that ran out of budget `offset` bytes into it. */
export function timeBudgetFinding(
  direction: Direction,
  policy: "open" | "closed",
  offset: number,
): Match {
  return {
    signatureId: policy === "closed" ? TIME_BUDGET_REFUSED_ID : TIME_BUDGET_PASSED_ID,
    family: "limits",
    severity: "critical",
    score: SEVERITY_SCORE.critical,
    target: direction === "request" ? "request_body" : "response_body",
    field: "",
    offset,
  };
}
