/**
 * What every conformance test asserts about weir's side of an exchange, whatever rule it is
 * about: the simulator (Envoy) applied every answer (nothing spurious or rejected, no error
 * reply, no fail-open), and each answer is one weir may send at all (contract §2.D-§2.M):
 * CONTINUE only, header values in raw_value with `append` false, no content-length, no
 * clear_route_cache, mode_override or streamed_immediate_response, and a body mutation only as
 * FULL_DUPLEX_STREAMED's streamed_response. override_message_timeout only where a test lets
 * weir's time budget ask for more time, and then alone in its message (§2.D-3); mode_override
 * only where a test gives weir a route policy with body modes, and then only on the
 * request-headers answer, with every header and trailer mode left DEFAULT (§2.L).
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { HeaderList } from "../../src/envoy/index.js";
import type {
  CommonResponse,
  HeaderMutation,
  ProcessingResponse,
} from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { ExchangeOutcome } from "../simulator/simulator.js";

export interface Payloads {
  readonly attack: string;
  readonly attackHeaderName: string;
  readonly attackQueryPath: string;
  readonly benign: string;
  readonly responseLeak: string;
}

export const payloads: Payloads = JSON.parse(
  readFileSync(new URL("../fixtures/conformance/payloads.json", import.meta.url), "utf8"),
) as Payloads;

/** The CommonResponse of a headers or body answer, undefined for other kinds. */
export function commonOf(answer: ProcessingResponse): CommonResponse | undefined {
  const r = answer.response;
  switch (r.case) {
    case "requestHeaders":
    case "responseHeaders":
    case "requestBody":
    case "responseBody":
      return r.value.response;
    default:
      return undefined;
  }
}

/** Every header mutation in an answer (common response, trailers response, immediate reply). */
export function mutationsOf(answer: ProcessingResponse): HeaderMutation[] {
  const r = answer.response;
  const out: (HeaderMutation | undefined)[] = [commonOf(answer)?.headerMutation];
  if (r.case === "requestTrailers" || r.case === "responseTrailers")
    out.push(r.value.headerMutation);
  if (r.case === "immediateResponse") out.push(r.value.headers);
  return out.filter((m): m is HeaderMutation => m !== undefined);
}

/** What a test allows beyond the shapes every answer must have. */
export interface AnswerAllowance {
  /** weir may ask for more time (J3): a message holding only override_message_timeout. */
  readonly timerExtension?: boolean;
  /** weir may send mode_override (L): on the request-headers answer only. */
  readonly modeOverride?: boolean;
}

/** One answer is of a shape weir may send (see the file comment). */
export function expectAllowedAnswer(
  answer: ProcessingResponse,
  fullDuplex: boolean,
  allowance: AnswerAllowance = {},
): void {
  if (allowance.timerExtension === true && answer.overrideMessageTimeout !== undefined) {
    // Envoy reads such a message as a timer extension only (§2.D-3): nothing else in it.
    expect(answer.response.case, "a timer extension carries no response").toBeUndefined();
    expect(answer.dynamicMetadata).toBeUndefined();
    expect(answer.modeOverride).toBeUndefined();
    return;
  }
  expect(answer.response.case, "answer kind").toBeDefined();
  expect(answer.response.case).not.toBe("streamedImmediateResponse");
  const override = answer.modeOverride;
  if (override !== undefined && allowance.modeOverride === true) {
    expect(answer.response.case, "mode_override on the request-headers answer").toBe(
      "requestHeaders",
    );
    const keep = [
      override.requestHeaderMode,
      override.responseHeaderMode,
      override.requestTrailerMode,
      override.responseTrailerMode,
    ];
    expect(keep, "header and trailer modes DEFAULT (keep Envoy's)").toEqual([0, 0, 0, 0]);
  } else {
    expect(override, "mode_override").toBeUndefined();
  }
  expect(answer.overrideMessageTimeout, "override_message_timeout").toBeUndefined();
  expect(answer.requestDrain).toBe(false);
  const common = commonOf(answer);
  if (common !== undefined) {
    expect(common.status, "CommonResponse.status CONTINUE").toBe(0);
    expect(common.clearRouteCache, "clear_route_cache").toBe(false);
    expect(common.trailers, "CommonResponse.trailers (not implemented by Envoy)").toBeUndefined();
    const mutation = common.bodyMutation?.mutation;
    if (mutation !== undefined && mutation.case !== undefined) {
      // weir never rewrites a body; FULL_DUPLEX_STREAMED forwards only what weir echoes (C6-3).
      expect(fullDuplex, `body mutation ${mutation.case} outside FULL_DUPLEX_STREAMED`).toBe(true);
      expect(mutation.case).toBe("streamedResponse");
    }
  }
  for (const m of mutationsOf(answer)) {
    for (const option of m.setHeaders) {
      const key = option.header?.key ?? "";
      expect(option.header?.value, `${key}: value left empty (raw_value only)`).toBe("");
      expect(option.append, `${key}: append explicitly false`).toBe(false);
      expect(key).not.toBe("content-length");
    }
  }
}

/** Envoy applied every answer and ended the exchange normally (allow, block or reset). */
export function expectConformant(
  outcome: ExchangeOutcome,
  fullDuplex = false,
  allowance: AnswerAllowance = {},
): void {
  expect(outcome.stalled, "exchange stalled").toBe(false);
  expect(outcome.failedOpen, "Envoy failed open").toEqual([]);
  const handled = outcome.transcript.flatMap(({ event }) =>
    event.kind === "received" ? [event.handling] : [],
  );
  const accepted =
    allowance.timerExtension === true ? ["applied", "timeout_extended"] : ["applied"];
  expect(
    handled.every((h) => accepted.includes(h)),
    `answer handling ${handled.join(",")}`,
  ).toBe(true);
  if (outcome.localReply !== null) expect(outcome.localReply.cause).toBe("immediate_response");
  for (const answer of outcome.received) expectAllowedAnswer(answer, fullDuplex, allowance);
}

/** Message kinds in order ("requestHeaders", ...). */
export function answerKinds(outcome: ExchangeOutcome): string[] {
  return outcome.received.map((r) => r.response.case ?? "none");
}

export function headerValues(headers: HeaderList | null, name: string): string[] {
  return (headers ?? []).filter(([k]) => k === name).map(([, v]) => v);
}
