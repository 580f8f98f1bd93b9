/**
 * A decision is data, not an exception: the policy turns what the inspector found into one
 * of these, and the exchange turns it into an ext_proc response.
 */
import type { Family, Match } from "../inspect/types.js";

export type Mode = "enforce" | "detect";

/** Why an exchange is refused: a signature score, a size/time budget, or a protocol rule. */
export type BlockReason = "signature" | "limits" | "protocol";

export type Decision =
  /** Nothing (new) worth acting on: continue. */
  | { readonly kind: "allow" }
  /** Findings below the threshold, or any findings in detect mode: continue and record. */
  | { readonly kind: "detect"; readonly score: number; readonly matches: readonly Match[] }
  /** Refuse the exchange with an ImmediateResponse. */
  | {
      readonly kind: "block";
      readonly status: number;
      readonly reason: BlockReason;
      readonly score: number;
      readonly matches: readonly Match[];
      /**
       * Decided after the response headers went downstream: Envoy can only reset the client's
       * stream, no status reaches the client (exchange/late-block.ts).
       */
      readonly streamReset?: true;
    };

export function familiesOf(matches: readonly Match[]): Family[] {
  return [...new Set(matches.map((m) => m.family))].sort();
}
