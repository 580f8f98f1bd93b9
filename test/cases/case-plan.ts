/**
 * The runner's plan for shared/cases (test/fixtures/cases/plan.json): which variants cannot be
 * run here and why, and the extra requirements a variant's notes state that the runner checks
 * (families that must fire together, headers-phase decisions, what the upstream receives,
 * inspected bytes, finding ids, sampled split offsets, simulator settings the notes ask for).
 * Every entry must name a variant that exists, so a renamed variant cannot silently lose its
 * checks or its skip.
 */
import { readFileSync } from "node:fs";
import type { ExtProcConfigInput } from "../../src/envoy/index.js";
import type { RuleExclusion } from "../../src/inspect/exclusions.js";
import type { CaseFile, CaseVariant, Verdict } from "../simulator/cases.js";
import type { StallHook } from "./stalling-engine.js";

export interface VariantPlan {
  /** Every one of these families must be reported (the notes say they fire together). */
  readonly requireFamilies?: readonly string[];
  /** At least one of these families must be reported. */
  readonly requireOneOf?: readonly string[];
  /** These finding / signature ids must be reported (the notes ask for a counted reason). */
  readonly signatureIds?: readonly number[];
  /** The decision comes at the headers phase: no body message reaches the server. */
  readonly noBodyMessages?: boolean;
  /**
   * A refused exchange never releases the whole body: the chunk whose scan completed the attack
   * is withheld, so the upstream sees an aborted request.
   */
  readonly upstreamIncomplete?: boolean;
  /** At most this many body bytes are released upstream before the refusal. */
  readonly upstreamBodyAtMost?: number;
  /** An allowed exchange releases the whole request body unchanged. */
  readonly upstreamReceivesWholeBody?: boolean;
  /** The server reports exactly this many inspected request body bytes. */
  readonly inspectedBytes?: number;
  /** Besides the run as given, split the body at this many sampled offsets. */
  readonly sampleOffsets?: number;
  /** Rule exclusions the server loads for this variant (the notes ask for them). */
  readonly exclusions?: readonly RuleExclusion[];
  /** ext_proc filter settings the notes ask for (Envoy-side, no config key). */
  readonly simulator?: ExtProcConfigInput & { requestTrailerMode?: "SEND" | "SKIP" };
  /** Test hooks the notes ask for (see VariantHooks). */
  readonly hooks?: VariantHooks;
  /**
   * What the server must count for the run as given (measured alone, after its streams
   * closed); with `hooks.repeat`, for each repetition. Streams opened and closed always match.
   */
  readonly counts?: VariantCounts;
  /**
   * An alternative outcome that is accepted (the notes accept it, or `why` says why the runner
   * does). A run that gives it is judged on its verdict, status and families only; the other
   * requirements of this entry belong to the expected outcome.
   */
  readonly alsoAccept?: {
    readonly verdict: Verdict;
    readonly status: number | null;
    readonly families: readonly string[];
    /** Accepted only for split runs (the run as given must give the expected outcome). */
    readonly splitsOnly?: boolean;
  };
  /** The words of the notes this entry encodes. */
  readonly why: string;
}

export interface VariantHooks {
  /** One body message's inspection stalls on the server (stalling-engine.ts). */
  readonly stall?: StallHook;
  /** The client resets the HTTP stream once this many body chunks were answered. */
  readonly resetAfter?: { readonly direction: "request" | "response"; readonly chunks: number };
  /** Envoy's message_timeout as the variant's config gives it, not the runner's patient one. */
  readonly envoyMessageTimeout?: boolean;
  /** Run the variant as given this many times in all (each run judged). */
  readonly repeat?: number;
}

export interface VariantCounts {
  /** A stream error with this reason, once per run. */
  readonly streamError?: string;
  /** Messages over the time budget, per run. */
  readonly budgetOverruns?: number;
  /** Tolerated protocol anomalies (body after end_of_stream), per run. */
  readonly anomalies?: number;
}

export interface CasePlan {
  readonly skip: Readonly<Record<string, string>>;
  readonly variants: Readonly<Record<string, VariantPlan>>;
}

const PLAN_URL = new URL("../fixtures/cases/plan.json", import.meta.url);

export function variantKey(file: CaseFile, variant: CaseVariant): string {
  return `${file.id} › ${variant.name}`;
}

/** Loads the plan and checks that every key names a variant of `files`. */
export function loadPlan(files: readonly CaseFile[]): CasePlan {
  const plan = JSON.parse(readFileSync(PLAN_URL, "utf8")) as CasePlan;
  const known = new Set(files.flatMap((f) => f.variants.map((v) => variantKey(f, v))));
  const unknown = [...Object.keys(plan.skip), ...Object.keys(plan.variants)].filter(
    (key) => !known.has(key),
  );
  if (unknown.length > 0) {
    throw new Error(`plan.json names variants that do not exist: ${JSON.stringify(unknown)}`);
  }
  for (const [key, reason] of Object.entries(plan.skip)) {
    if (typeof reason !== "string" || reason.trim() === "") {
      throw new Error(`plan.json: skip of ${key} has no reason`);
    }
  }
  return plan;
}

/** Largest body split at every offset; larger ones are split at a sample (the edges included). */
export const SPLIT_EVERY_OFFSET_MAX = 64 * 1024;
const LARGE_BODY_SAMPLE = 64;

/**
 * The split offsets of a variant: every offset for splitEverywhere bodies up to 64 KiB, an even
 * sample of 64 (the edges included) above that, or the plan's sample for variants whose notes
 * ask for one; none otherwise.
 */
export function splitOffsets(
  variant: CaseVariant,
  plan: VariantPlan | undefined,
  length: number,
): number[] {
  if (length < 2) return [];
  if (variant.splitEverywhere) {
    if (length <= SPLIT_EVERY_OFFSET_MAX) return range(1, length);
    return sample(length, LARGE_BODY_SAMPLE);
  }
  return plan?.sampleOffsets === undefined ? [] : sample(length, plan.sampleOffsets);
}

/** `count` offsets spread evenly over 1..length-1, both edges included. */
function sample(length: number, count: number): number[] {
  const last = length - 1;
  if (count >= last) return range(1, length);
  const out = new Set<number>();
  for (let i = 0; i < count; i++) out.add(1 + Math.round((i * (last - 1)) / (count - 1)));
  return [...out];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
