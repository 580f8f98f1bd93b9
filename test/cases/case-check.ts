/**
 * Judges one run of a shared-cases variant (README "Running the cases", steps 3, 4 and 6):
 * the outcome the simulator saw against the expected verdict and status, the families weir
 * reported (dynamic metadata under `weir`) against the expected families, and the extra
 * requirements of the runner's plan. A problem that fails the variant is a `failure`; a family
 * reported beyond the expected list is a `warning` (the README asks to report, not to fail).
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { CaseExpect } from "../simulator/cases.js";
import type { ExchangeOutcome } from "../simulator/simulator.js";
import type { VariantPlan } from "./case-plan.js";

/** What weir reported about an exchange, from its dynamic metadata. */
export interface Reported {
  readonly families: readonly string[];
  readonly signatureIds: readonly number[];
}

export interface RunJudgement {
  readonly failures: string[];
  readonly warnings: string[];
  /**
   * Required families this run did not report although it was refused before weir had the
   * whole request (see planFailures); empty when nothing was excused.
   */
  readonly excused: string[];
  /** The run gave the plan's accepted alternative outcome. */
  readonly alternative: boolean;
  /** The outcome in one line, for messages. */
  readonly summary: string;
}

export function reportedBy(outcome: ExchangeOutcome): Reported {
  const weir = outcome.dynamicMetadata.weir as JsonObject | undefined;
  const families = Array.isArray(weir?.families) ? (weir.families as string[]) : [];
  const ids = Array.isArray(weir?.signature_ids) ? (weir.signature_ids as number[]) : [];
  return { families: [...families].sort(), signatureIds: ids };
}

export function summarize(outcome: ExchangeOutcome, reported: Reported): string {
  const extra = [
    outcome.stalled ? "stalled" : "",
    outcome.reset === null ? "" : `reset: ${outcome.reset}`,
    outcome.failedOpen.length > 0 ? `failed open: ${outcome.failedOpen.join(", ")}` : "",
  ].filter((s) => s !== "");
  return (
    `${outcome.verdict} ${outcome.status ?? "-"} families [${reported.families.join(", ")}] ` +
    `ids [${reported.signatureIds.join(", ")}]${extra.length > 0 ? ` (${extra.join("; ")})` : ""}`
  );
}

export interface RunFacts {
  readonly outcome: ExchangeOutcome;
  /** The whole request body as sent. */
  readonly body: Uint8Array;
  /** Request body bytes the server reported as inspected during this run (measured runs). */
  readonly inspectedBytes?: number;
  /** FULL_DUPLEX_STREAMED: answers are streamed, not one per message. */
  readonly duplex: boolean;
  /** A split run (not the run as given). */
  readonly split: boolean;
}

export function judgeRun(
  expect: CaseExpect,
  plan: VariantPlan | undefined,
  facts: RunFacts,
): RunJudgement {
  const { outcome } = facts;
  const reported = reportedBy(outcome);
  const summary = summarize(outcome, reported);
  const alternative = plan?.alsoAccept;
  const accepted =
    alternative !== undefined &&
    alternative.verdict === outcome.verdict &&
    alternative.status === outcome.status &&
    (alternative.splitsOnly !== true || facts.split);
  const expected = accepted ? { ...alternative, notes: "" } : expect;
  const failures: string[] = [];
  const warnings: string[] = [];

  if (outcome.verdict !== expected.verdict || outcome.status !== expected.status) {
    failures.push(`expected ${expected.verdict} ${expected.status ?? "-"}, got ${summary}`);
  }
  const listed = new Set(expected.families);
  if (expected.verdict !== "allow" && outcome.verdict === expected.verdict) {
    if (!reported.families.some((f) => listed.has(f))) {
      failures.push(
        `no reported family is one of [${expected.families.join(", ")}]: got ${summary}`,
      );
    }
  }
  const extra = reported.families.filter((f) => !listed.has(f));
  if (extra.length > 0) {
    warnings.push(`extra families [${extra.join(", ")}] (${summary})`);
  }
  if (!facts.duplex) failures.push(...answerFailures(outcome));
  const excused: string[] = [];
  if (plan !== undefined && !accepted) {
    failures.push(...planFailures(plan, facts, reported, summary, excused));
  }
  return { failures, warnings, summary, excused, alternative: accepted };
}

/**
 * I3: each message got exactly one answer of its own kind, in order, or an ImmediateResponse
 * ended the exchange (and nothing was answered after it).
 */
function answerFailures(outcome: ExchangeOutcome): string[] {
  const out: string[] = [];
  const { sent, received } = outcome;
  received.forEach((answer, i) => {
    const kind = answer.response.case;
    if (kind === "immediateResponse") {
      if (i !== received.length - 1) out.push(`answers came after the ImmediateResponse (#${i})`);
      return;
    }
    const asked = sent[i]?.request.case;
    if (kind !== asked) out.push(`answer #${i} is ${kind} to a ${asked ?? "missing"} message`);
  });
  if (outcome.localReply === null && received.length !== sent.length) {
    out.push(`${sent.length} messages sent, ${received.length} answers`);
  }
  return out;
}

function planFailures(
  plan: VariantPlan,
  facts: RunFacts,
  reported: Reported,
  summary: string,
  excused: string[],
): string[] {
  const { outcome } = facts;
  const out: string[] = [];
  const has = new Set(reported.families);
  // Families that fire together must all be reported. The one exception is a run that weir
  // refused, for one of those families, before it had the whole request: it cannot report what
  // the later chunks hold (weir refuses at the first message that decides, and Envoy stops
  // there), so such a run is counted as excused (`excused`), never as passed silently.
  const required = plan.requireFamilies ?? [];
  const missing = required.filter((f) => !has.has(f));
  const oneOf = plan.requireOneOf;
  const missingOneOf = oneOf !== undefined && !oneOf.some((f) => has.has(f));
  if (missing.length > 0 || missingOneOf) {
    const refusedForOne = required.length === 0 || required.some((f) => has.has(f));
    if (!refusedForOne || decidedOnWholeRequest(outcome)) {
      if (missing.length > 0)
        out.push(`families [${missing.join(", ")}] must fire: got ${summary}`);
      if (missingOneOf) out.push(`one of [${oneOf.join(", ")}] must fire: got ${summary}`);
    } else {
      excused.push(`missing [${[...missing, ...(missingOneOf ? oneOf : [])].join(", ")}]`);
    }
  }
  const ids = new Set(reported.signatureIds);
  const missingIds = (plan.signatureIds ?? []).filter((id) => !ids.has(id));
  if (missingIds.length > 0) out.push(`finding ids [${missingIds.join(", ")}] must be reported`);
  const released = outcome.request.body;
  if (plan.noBodyMessages === true) {
    const bodies = outcome.sent.filter((m) => m.request.case === "requestBody").length;
    if (bodies > 0)
      out.push(`decision must come at the headers phase: ${bodies} body messages sent`);
  }
  if (plan.upstreamIncomplete === true && outcome.verdict !== "allow") {
    if (released.length >= facts.body.length) {
      out.push(`upstream received the whole body (${released.length} bytes) before the refusal`);
    }
  }
  if (plan.upstreamBodyAtMost !== undefined && released.length > plan.upstreamBodyAtMost) {
    out.push(
      `upstream received ${released.length} body bytes (at most ${plan.upstreamBodyAtMost})`,
    );
  }
  if (plan.upstreamReceivesWholeBody === true && outcome.verdict === "allow") {
    if (!Buffer.from(released).equals(Buffer.from(facts.body))) {
      out.push(`upstream received ${released.length} of ${facts.body.length} body bytes, altered`);
    }
  }
  if (plan.inspectedBytes !== undefined && facts.inspectedBytes !== undefined) {
    if (facts.inspectedBytes !== plan.inspectedBytes) {
      out.push(`server inspected ${facts.inspectedBytes} bytes, expected ${plan.inspectedBytes}`);
    }
  }
  return out;
}

/**
 * weir took its decision knowing the whole request: no refusal, or the refusal answered the
 * message that ended the request (headers with end_of_stream, the last body chunk, trailers).
 * Answers come one per message in order, so the refusal's index among the answers is the index
 * of the message it answered.
 */
export function decidedOnWholeRequest(outcome: ExchangeOutcome): boolean {
  const last = outcome.sent.findIndex(({ request }) => {
    switch (request.case) {
      case "requestHeaders":
      case "requestBody":
        return request.value.endOfStream;
      case "requestTrailers":
        return true;
      default:
        return false;
    }
  });
  if (last < 0) return false;
  const refusal = outcome.received.findIndex((m) => m.response.case === "immediateResponse");
  return refusal < 0 || refusal >= last;
}
