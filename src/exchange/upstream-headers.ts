/**
 * The headers weir adds to the request Envoy forwards upstream when something fired but the
 * exchange is not refused (detect mode, or findings below the enforce threshold):
 * `x-weir-score` (the request direction's anomaly score) and `x-weir-signatures` (the ids that
 * fired, comma-separated). They only take effect while Envoy holds the request headers: on the
 * request headers answer, and on the body answer in BUFFERED / BUFFERED_PARTIAL modes.
 * When nothing fired, x-weir-* headers the client sent itself are removed, so the upstream can
 * trust that any x-weir-* header it sees comes from weir. Response headers are never tagged:
 * they go to the client, who must not learn what fired.
 */
import type { HeaderMutation } from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { DirectionFindings } from "./direction-findings.js";
import { headerMutation } from "./header-mutation.js";
import { type RequestFacts, WEIR_SCORE_HEADER, WEIR_SIGNATURES_HEADER } from "./headers.js";

/** Bound on the listed ids, so the header stays far below Envoy's header size limit. */
export const MAX_HEADER_SIGNATURES = 64;

export function upstreamHeaderMutation(
  findings: DirectionFindings,
  facts: RequestFacts,
  options: { onlyFindings?: boolean } = {},
): HeaderMutation | undefined {
  if (findings.matches.length > 0) {
    return headerMutation([
      { name: WEIR_SCORE_HEADER, value: String(findings.score) },
      {
        name: WEIR_SIGNATURES_HEADER,
        value: findings.signatureIds().slice(0, MAX_HEADER_SIGNATURES).join(","),
      },
    ]);
  }
  if (options.onlyFindings !== true && facts.forgedWeirHeaders.length > 0) {
    return headerMutation([], facts.forgedWeirHeaders);
  }
  return undefined;
}
