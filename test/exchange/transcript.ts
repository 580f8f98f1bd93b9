/**
 * ext_proc transcripts as data (test/fixtures/transcripts/*.json, format in the README there):
 * loading, turning compact steps into ProcessingRequests, and reducing each ProcessingResponse to
 * a plain summary that a fixture states in full. Used by the one transcript runner, both against
 * an Exchange directly and over a real grpc-js stream.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { create, type JsonObject, toBinary } from "@bufbuild/protobuf";
import type { BodyMode } from "../../src/exchange/body-mode.js";
import type { EventOptions } from "../../src/exchange/exchange-context.js";
import type {
  ExchangeContext,
  ExchangeReport,
  StreamErrorReason,
} from "../../src/exchange/observer.js";
import { ATTRIBUTES_KEY } from "../../src/exchange/route-facts.js";
import {
  type ProcessingMode,
  ProcessingMode_BodySendMode,
  ProcessingMode_HeaderSendMode,
} from "../../src/gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";
import {
  type HeaderMutation,
  HttpBodySchema,
  HttpHeadersSchema,
  HttpTrailersSchema,
  type ProcessingRequest,
  ProcessingRequestSchema,
  type ProcessingResponse,
} from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { RuleExclusion } from "../../src/inspect/exclusions.js";
import type { InspectionLimits } from "../../src/inspect/limits.js";
import type { Family } from "../../src/inspect/types.js";
import { DEFAULT_POLICY, type PolicyConfig } from "../../src/policy/decide.js";
import {
  type PolicySet,
  type RouteMatch,
  type RoutePolicy,
  routePolicyOf,
} from "../../src/policy/route-policy.js";

export const TRANSCRIPT_DIR = new URL("../fixtures/transcripts/", import.meta.url).pathname;

type Pairs = [string, string][];
type ModeName = keyof typeof ProcessingMode_BodySendMode;

export interface BodySpec {
  /** Base64 bytes (e.g. a gzip body), before `fill` and `text`. */
  readonly base64?: string;
  readonly text?: string;
  /** `bytes` copies of `fill` (one character), then `text` if given. */
  readonly fill?: string;
  readonly bytes?: number;
  readonly endOfStream?: boolean;
}

export interface SendSpec {
  readonly requestHeaders?: { headers: Pairs; endOfStream?: boolean };
  readonly responseHeaders?: { headers: Pairs; endOfStream?: boolean };
  readonly requestBody?: BodySpec;
  readonly responseBody?: BodySpec;
  readonly requestTrailers?: { trailers: Pairs };
  readonly responseTrailers?: { trailers: Pairs };
  /** No request message at all (the oneof left empty). */
  readonly empty?: true;
  readonly protocolConfig?: {
    requestBodyMode: ModeName;
    responseBodyMode: ModeName;
    sendBodyWithoutWaiting?: boolean;
  };
  readonly observabilityMode?: boolean;
  /** Envoy's request attributes (`xds.route_name`, `request.path`, `source.address`). */
  readonly attributes?: JsonObject;
}

export interface AnswerSummary {
  readonly kind: string;
  readonly setHeaders?: Record<string, string>;
  readonly removeHeaders?: string[];
  readonly dynamicMetadata?: JsonObject;
  readonly immediate?: {
    status: number;
    details: string;
    grpcStatus?: number;
    headers: Record<string, string>;
    body: unknown;
  };
  readonly streamed?: { bytes: number; endOfStream: boolean };
  /** mode_override: body modes by enum name, header/trailer modes only when not DEFAULT. */
  readonly modeOverride?: Record<string, string>;
}

export interface StreamEnd {
  readonly status: string;
  readonly reason: StreamErrorReason;
  /** The status details start with this. */
  readonly detailsPrefix: string;
}

export interface Step {
  readonly send?: SendSpec;
  /** Base64 bytes sent as the message body instead of a ProcessingRequest. */
  readonly sendRaw?: string;
  /** The answers to this message, in order; [] means none. */
  readonly expect?: AnswerSummary[];
  /** This message ends the stream with an error status. */
  readonly expectEnd?: StreamEnd;
}

export interface Transcript {
  readonly file: string;
  readonly description: string;
  /**
   * "fake" (default): the fake engine of fake-engine.ts. "signatures": the real engine on
   * test/fixtures/inspect/signatures.json, with `limits` over the default inspection limits.
   */
  readonly engine?: "fake" | "signatures";
  readonly limits?: Partial<InspectionLimits>;
  /** Paranoia level the "signatures" engine is compiled at (default 1). */
  readonly paranoia?: number;
  readonly policy?: Partial<PolicyConfig>;
  /** Route policies (over `policy`); without them every exchange gets `policy`. */
  readonly routes?: RouteSpec[];
  /** Overrides of the fallback route policy's own fields. */
  readonly fallback?: RoutePolicySpec;
  readonly events?: EventOptions;
  readonly defaultBodyMode?: BodyMode;
  readonly steps: Step[];
  /** How the client ends the stream after the last step (default halfClose). */
  readonly end?: "halfClose" | "cancel";
  readonly result: {
    readonly outcome: "allow" | "detect" | "block" | "error";
    readonly streamErrors: StreamErrorReason[];
    /** observer.decided calls as "direction:kind". */
    readonly decisions: string[];
    /** The exchange report's hits as "direction:signatureId:outcome" (checked when given). */
    readonly hits?: string[];
    /** Fields of the exchange report's context (checked when given). */
    readonly context?: Partial<ExchangeContext>;
  };
}

/** A route policy in a transcript: RoutePolicy fields, families and exclusions as lists. */
export interface RoutePolicySpec extends Partial<PolicyConfig> {
  readonly name?: string;
  readonly responseThreshold?: number;
  readonly paranoia?: number;
  readonly families?: Family[];
  readonly exclusions?: RuleExclusion[];
  readonly bodyModes?: { request?: BodyMode; response?: BodyMode };
}

export interface RouteSpec {
  readonly match: RouteMatch;
  readonly policy: RoutePolicySpec;
}

function routePolicy(base: PolicyConfig, spec: RoutePolicySpec = {}): RoutePolicy {
  const { name, responseThreshold, paranoia, families, exclusions, bodyModes, ...policy } = spec;
  return routePolicyOf(
    { ...base, ...policy },
    {
      ...(name === undefined ? {} : { name }),
      ...(responseThreshold === undefined ? {} : { responseThreshold }),
      ...(paranoia === undefined ? {} : { paranoia }),
      ...(families === undefined ? {} : { families: new Set(families) }),
      ...(exclusions === undefined ? {} : { exclusions }),
      ...(bodyModes === undefined ? {} : { bodyModes }),
    },
  );
}

/** The transcript's route policies (one fallback built from `policy` when it has no routes). */
export function policySetOf(t: Transcript): PolicySet {
  const base = policyOf(t);
  return {
    routes: (t.routes ?? []).map((r) => ({ match: r.match, policy: routePolicy(base, r.policy) })),
    fallback: routePolicy(base, t.fallback),
  };
}

/** The report's hits as "direction:signatureId:outcome". */
export function hitsOf(report: ExchangeReport | undefined): string[] {
  return (report?.hits ?? []).map((h) => `${h.direction}:${h.match.signatureId}:${h.outcome}`);
}

export function loadTranscripts(): Transcript[] {
  return readdirSync(TRANSCRIPT_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(TRANSCRIPT_DIR, file), "utf8")) }));
}

export function policyOf(t: Transcript): PolicyConfig {
  return { ...DEFAULT_POLICY, ...t.policy };
}

const encoder = new TextEncoder();

function headerMap(pairs: Pairs) {
  return { headers: pairs.map(([key, value]) => ({ key, rawValue: encoder.encode(value) })) };
}

function bodyBytes(spec: BodySpec): Uint8Array {
  const head = spec.base64 === undefined ? new Uint8Array(0) : Buffer.from(spec.base64, "base64");
  const tail = encoder.encode(spec.text ?? "");
  const fillBytes = spec.bytes ?? 0;
  const out = new Uint8Array(head.byteLength + fillBytes + tail.byteLength);
  out.set(head, 0);
  if (fillBytes > 0)
    out.fill((spec.fill ?? "a").charCodeAt(0), head.byteLength, head.byteLength + fillBytes);
  out.set(tail, head.byteLength + fillBytes);
  return out;
}

function headersMessage(pairs: Pairs, endOfStream = false) {
  return create(HttpHeadersSchema, { headers: headerMap(pairs), endOfStream });
}

function bodyMessage(spec: BodySpec) {
  return create(HttpBodySchema, { body: bodyBytes(spec), endOfStream: spec.endOfStream ?? false });
}

function trailersMessage(pairs: Pairs) {
  return create(HttpTrailersSchema, { trailers: headerMap(pairs) });
}

function requestCase(send: SendSpec): ProcessingRequest["request"] {
  const { requestHeaders: qh, responseHeaders: rh } = send;
  if (qh !== undefined)
    return { case: "requestHeaders", value: headersMessage(qh.headers, qh.endOfStream) };
  if (rh !== undefined)
    return { case: "responseHeaders", value: headersMessage(rh.headers, rh.endOfStream) };
  if (send.requestBody !== undefined)
    return { case: "requestBody", value: bodyMessage(send.requestBody) };
  if (send.responseBody !== undefined)
    return { case: "responseBody", value: bodyMessage(send.responseBody) };
  if (send.requestTrailers !== undefined) {
    return { case: "requestTrailers", value: trailersMessage(send.requestTrailers.trailers) };
  }
  if (send.responseTrailers !== undefined) {
    return { case: "responseTrailers", value: trailersMessage(send.responseTrailers.trailers) };
  }
  if (send.empty === true) return { case: undefined };
  throw new Error(`send step names no message: ${JSON.stringify(send)}`);
}

export function toRequest(send: SendSpec): ProcessingRequest {
  return create(ProcessingRequestSchema, {
    request: requestCase(send),
    metadataContext: {},
    observabilityMode: send.observabilityMode ?? false,
    ...(send.attributes === undefined ? {} : { attributes: { [ATTRIBUTES_KEY]: send.attributes } }),
    ...(send.protocolConfig === undefined
      ? {}
      : {
          protocolConfig: {
            requestBodyMode: ProcessingMode_BodySendMode[send.protocolConfig.requestBodyMode],
            responseBodyMode: ProcessingMode_BodySendMode[send.protocolConfig.responseBodyMode],
            sendBodyWithoutWaitingForHeaderResponse:
              send.protocolConfig.sendBodyWithoutWaiting ?? false,
          },
        }),
  });
}

/** The wire bytes of a step: a serialised ProcessingRequest, or the raw bytes it names. */
export function stepBytes(step: Step): Uint8Array {
  if (step.sendRaw !== undefined) return Buffer.from(step.sendRaw, "base64");
  if (step.send !== undefined) return toBinary(ProcessingRequestSchema, toRequest(step.send));
  throw new Error("step sends nothing");
}

const decoder = new TextDecoder();

/** Header mutations must use raw_value only and append=false (contract §2.E-1/2). */
function mutationParts(
  m: HeaderMutation | undefined,
): Pick<AnswerSummary, "setHeaders" | "removeHeaders"> {
  if (m === undefined) return {};
  const out: { setHeaders?: Record<string, string>; removeHeaders?: string[] } = {};
  if (m.setHeaders.length > 0) {
    out.setHeaders = {};
    for (const option of m.setHeaders) {
      const header = option.header;
      if (header === undefined) throw new Error("header mutation entry without header");
      if (header.value !== "") throw new Error(`header ${header.key} sets the string value`);
      if (option.append !== false) throw new Error(`header ${header.key} without append=false`);
      out.setHeaders[header.key] = decoder.decode(header.rawValue);
    }
  }
  if (m.removeHeaders.length > 0) out.removeHeaders = [...m.removeHeaders];
  return out;
}

function parseBody(bytes: Uint8Array): unknown {
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A mode_override as names: both body modes always, header and trailer modes when set. */
function modeNames(mode: ProcessingMode): Record<string, string> {
  const out: Record<string, string> = {
    requestBodyMode: ProcessingMode_BodySendMode[mode.requestBodyMode],
    responseBodyMode: ProcessingMode_BodySendMode[mode.responseBodyMode],
  };
  const headerModes = [
    "requestHeaderMode",
    "responseHeaderMode",
    "requestTrailerMode",
    "responseTrailerMode",
  ] as const;
  for (const key of headerModes) {
    if (mode[key] !== ProcessingMode_HeaderSendMode.DEFAULT) {
      out[key] = ProcessingMode_HeaderSendMode[mode[key]];
    }
  }
  return out;
}

export function summarize(response: ProcessingResponse): AnswerSummary {
  const r = response.response;
  const meta = {
    ...(response.dynamicMetadata === undefined
      ? {}
      : { dynamicMetadata: response.dynamicMetadata }),
    ...(response.modeOverride === undefined
      ? {}
      : { modeOverride: modeNames(response.modeOverride) }),
  };
  switch (r.case) {
    case "requestHeaders":
    case "responseHeaders":
    case "requestBody":
    case "responseBody": {
      const common = r.value.response;
      const mutation = common?.bodyMutation?.mutation;
      const streamed =
        mutation?.case === "streamedResponse"
          ? {
              streamed: {
                bytes: mutation.value.body.byteLength,
                endOfStream: mutation.value.endOfStream,
              },
            }
          : {};
      if (
        mutation !== undefined &&
        mutation.case !== undefined &&
        mutation.case !== "streamedResponse"
      ) {
        throw new Error(`unexpected body mutation ${mutation.case}`);
      }
      return { kind: r.case, ...mutationParts(common?.headerMutation), ...streamed, ...meta };
    }
    case "requestTrailers":
    case "responseTrailers":
      return { kind: r.case, ...mutationParts(r.value.headerMutation), ...meta };
    case "immediateResponse": {
      const v = r.value;
      const headers = mutationParts(v.headers).setHeaders ?? {};
      return {
        kind: r.case,
        immediate: {
          status: v.status?.code ?? 0,
          details: v.details,
          ...(v.grpcStatus === undefined ? {} : { grpcStatus: v.grpcStatus.status }),
          headers,
          body: parseBody(v.body),
        },
        ...meta,
      };
    }
    default:
      throw new Error(`unexpected response case ${String(r.case)}`);
  }
}
