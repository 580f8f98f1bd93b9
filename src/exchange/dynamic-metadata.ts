/**
 * What weir tells Envoy's access log and later filters about an exchange, as
 * ProcessingResponse.dynamic_metadata. Envoy keeps only top-level keys listed in the filter's
 * `metadata_options.receiving_namespaces.untyped` (contract §2.N, pitfall 39), so everything sits
 * under one namespace, `weir`: operators add "weir" to that list and read for example
 * `%DYNAMIC_METADATA(weir:decision)%`.
 *
 * Envoy merges each response's namespace Struct into the stream's metadata key by key, so every
 * Struct weir sends is the cumulative state of the whole exchange (both directions): a later
 * response overwrites the keys with a superset, never with a partial view.
 *
 * Signature ids go here and to the security event log, never into the refusal body.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { Family } from "../inspect/types.js";
import type { Mode } from "../policy/decision.js";

export const METADATA_NAMESPACE = "weir";

/** Bound on the id list, so a pathological request cannot grow Envoy's metadata without limit. */
export const MAX_METADATA_SIGNATURES = 100;

export interface ExchangeFindings {
  /** block when weir refused the exchange, detect when anything fired, else allow. */
  readonly decision: "allow" | "detect" | "block";
  /** The highest anomaly score of the two directions. */
  readonly score: number;
  /** Distinct signature ids in the order they first fired. */
  readonly signatureIds: readonly number[];
  readonly families: readonly Family[];
  readonly mode: Mode;
  /** The route policy's name ("default" when no configured route matched). */
  readonly route: string;
}

/**
 * The `dynamic_metadata` Struct:
 * `{ weir: { decision, score, route, signature_ids, families, mode } }`.
 */
export function weirMetadata(findings: ExchangeFindings): JsonObject {
  return {
    [METADATA_NAMESPACE]: {
      decision: findings.decision,
      score: findings.score,
      route: findings.route,
      signature_ids: findings.signatureIds.slice(0, MAX_METADATA_SIGNATURES),
      families: [...findings.families],
      mode: findings.mode,
    },
  };
}
