/**
 * One ext_proc stream = one HTTP exchange. The Exchange owns both direction state machines, the
 * ExchangeInspector (native resources: closed exactly once by `close`), the request facts and the
 * decision state. `handle` takes one ProcessingRequest, in arrival order, inspects it, asks the
 * policy, and returns the answers to write: exactly one answer of the matching kind, or one
 * ImmediateResponse that ends the exchange, or streamed pieces in FULL_DUPLEX_STREAMED (any
 * number, none while redaction holds a chunk back: full-duplex.ts), or none in observability
 * mode and after a refusal. Protocol violations throw ExchangeError;
 * the server maps them to a gRPC status.
 *
 * Most messages are handled synchronously and the answers come back as an array. A body or
 * trailers message whose inspection waits for an asynchronous stage (a Content-Encoding being
 * undone) returns a promise of the answers instead; the caller must await it before handing in
 * the next message (handling one while another is pending is an internal error) and write the
 * answers in message order. A promise that settles after `close` yields no answers.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type {
  HttpBody,
  HttpHeaders,
  HttpTrailers,
  ProcessingRequest,
  ProcessingResponse,
  ProtocolConfiguration,
} from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { type Direction, type ExchangeInspector, isPending, type Match } from "../inspect/types.js";
import { decide, type PolicyConfig } from "../policy/decide.js";
import type { Decision } from "../policy/decision.js";
import { resolveRoute } from "../policy/route-match.js";
import type { PolicySet, RoutePolicy } from "../policy/route-policy.js";
import { type BodyMode, bodyModeFromProto } from "./body-mode.js";
import { DirectionFindings } from "./direction-findings.js";
import { DirectionState } from "./direction-state.js";
import { type ExchangeFindings, weirMetadata } from "./dynamic-metadata.js";
import {
  DEFAULT_EVENT_OPTIONS,
  type EventOptions,
  requestContext,
  routeContext,
} from "./exchange-context.js";
import { duplexBodyAnswers, duplexTrailersPrelude, startRewriting } from "./full-duplex.js";
import { headerEntries, type RequestFacts, requestFacts, UNKNOWN_REQUEST } from "./headers.js";
import { immediateResponse } from "./immediate.js";
import { type RefusedMessage, refusalResetsStream } from "./late-block.js";
import { type NegotiatedModes, planModeOverride } from "./mode-override.js";
import type {
  ExchangeContext,
  ExchangeObserver,
  ExchangeReport,
  Phase,
  RedactionRecord,
  SignatureHit,
} from "./observer.js";
import { ExchangeError } from "./protocol-error.js";
import { bodyContinue, headersContinue, streamedBodyEcho, trailersContinue } from "./responses.js";
import {
  type ExchangeAttributes,
  exchangeAttributes,
  NO_ATTRIBUTES,
  routeFacts,
} from "./route-facts.js";
import { upstreamHeaderMutation } from "./upstream-headers.js";

export interface ExchangeOptions {
  readonly inspector: ExchangeInspector;
  /** The route policies of the stream's runtime; one is chosen at the first message. */
  readonly policies: PolicySet;
  readonly observer: ExchangeObserver;
  /** Body mode of both directions when Envoy sends no protocol_config (Envoy < 1.34). */
  readonly defaultBodyMode?: BodyMode;
  /** Excerpts and trusted x-forwarded-for hops for security events (default: off, 0). */
  readonly events?: EventOptions;
  /**
   * A body message after the direction's body already ended with end_of_stream (Envoy's
   * duplicated final chunk, envoy#46237, after the contract's snapshot): when this is set the
   * message is acknowledged without inspection (CONTINUE; in FULL_DUPLEX_STREAMED an empty
   * streamed_response with end_of_stream, so nothing is forwarded twice) and reported here.
   * Unset, it ends the stream (message_after_end_of_stream), as the contract's state machine says.
   */
  readonly onBodyAfterEndOfStream?: (direction: Direction) => void;
}

/** The answers to one message, now or once its inspection completes. */
export type Answers = ProcessingResponse[] | Promise<ProcessingResponse[]>;

interface Side {
  readonly state: DirectionState;
  readonly findings: DirectionFindings;
}

const PHASES: Readonly<Record<NonNullable<ProcessingRequest["request"]["case"]>, Phase>> = {
  requestHeaders: "request_headers",
  requestBody: "request_body",
  requestTrailers: "request_trailers",
  responseHeaders: "response_headers",
  responseBody: "response_body",
  responseTrailers: "response_trailers",
};

export class Exchange {
  readonly #inspector: ExchangeInspector;
  readonly #policies: PolicySet;
  /** The route's policy, kept for the whole exchange (the fallback until it is resolved). */
  #route: RoutePolicy;
  /** The route's policy with the response threshold, for response-direction decisions. */
  #responsePolicy: PolicyConfig;
  #attributes: ExchangeAttributes = NO_ATTRIBUTES;
  readonly #events: EventOptions;
  #context: ExchangeContext;
  /** What Envoy reported about body modes (or the default), for mode_override. */
  #negotiated: NegotiatedModes;
  /** Seconds spent on this exchange's messages so far (the latency weir added). */
  #seconds = 0;
  #refusedDirection: Direction | undefined;
  readonly #observer: ExchangeObserver;
  readonly #request: Side;
  readonly #response: Side;
  #facts: RequestFacts = UNKNOWN_REQUEST;
  #first = true;
  #observing = false;
  #refused: Extract<Decision, { kind: "block" }> | undefined;
  #closed = false;
  /** A message's inspection is still running (its answers are a pending promise). */
  #pending = false;
  readonly #onBodyAfterEnd: ((direction: Direction) => void) | undefined;
  /** Directions whose body ended with an end_of_stream body message. */
  readonly #bodyEnded = new Set<Side>();

  constructor(options: ExchangeOptions) {
    this.#inspector = options.inspector;
    this.#policies = options.policies;
    this.#route = options.policies.fallback;
    this.#responsePolicy = responsePolicyOf(this.#route);
    this.#events = options.events ?? DEFAULT_EVENT_OPTIONS;
    this.#context = routeContext(this.#route, NO_ATTRIBUTES, this.#events);
    this.#observer = options.observer;
    this.#onBodyAfterEnd = options.onBodyAfterEndOfStream;
    const mode = options.defaultBodyMode ?? "streamed";
    this.#negotiated = { request: mode, response: mode, sendBodyWithoutWaiting: false };
    this.#request = this.#side("request", mode);
    this.#response = this.#side("response", mode);
  }

  #side(direction: Direction, mode: BodyMode): Side {
    return {
      state: new DirectionState(direction, mode),
      findings: new DirectionFindings(direction, this.#inspector[direction]),
    };
  }

  /** The request id from x-request-id ("" until request headers arrive, or with header SKIP). */
  get requestId(): string {
    return this.#facts.requestId;
  }

  /** Who and where this exchange is (complete once the request headers arrived). */
  get context(): ExchangeContext {
    return this.#context;
  }

  /** True once weir answered with an ImmediateResponse: the rest of the stream is ignored. */
  get refused(): boolean {
    return this.#refused !== undefined;
  }

  /**
   * A direction received body chunks, its body has not ended and weir did not refuse the
   * exchange: if the stream ends now, the client abandoned the exchange mid-body.
   */
  get abandonedMidBody(): boolean {
    if (this.#refused !== undefined) return false;
    return this.#request.state.midBody || this.#response.state.midBody;
  }

  handle(message: ProcessingRequest): Answers {
    if (this.#closed) throw new ExchangeError("internal_error", "message after exchange closed");
    if (this.#pending) {
      throw new ExchangeError(
        "internal_error",
        "message handed in while the previous one is still being inspected",
      );
    }
    if (this.#refused !== undefined) return [];
    if (this.#first) {
      this.#first = false;
      this.#configure(message.protocolConfig);
      this.#resolveRoute(message);
    }
    this.#observing = message.observabilityMode;
    const started = process.hrtime.bigint();
    const answers = this.#dispatch(message.request);
    if (!isPromise(answers)) return this.#answered(message, started, answers);
    this.#pending = true;
    return answers.then(
      (settled) => {
        this.#pending = false;
        return this.#answered(message, started, settled);
      },
      (error: unknown) => {
        this.#pending = false;
        throw error;
      },
    );
  }

  #dispatch(request: ProcessingRequest["request"]): Answers {
    switch (request.case) {
      case "requestHeaders":
        return this.#headers(this.#request, request.value);
      case "responseHeaders":
        return this.#headers(this.#response, request.value);
      case "requestBody":
        return this.#body(this.#request, request.value);
      case "responseBody":
        return this.#body(this.#response, request.value);
      case "requestTrailers":
        return this.#trailers(this.#request, request.value);
      case "responseTrailers":
        return this.#trailers(this.#response, request.value);
      case undefined:
        throw new ExchangeError(
          "malformed_message",
          "ProcessingRequest carries no request message (the `request` oneof is empty)",
        );
      default:
        return assertNever(request);
    }
  }

  /** Time (including any wait for inspection) is observed; nothing once the exchange closed. */
  #answered(
    message: ProcessingRequest,
    started: bigint,
    answers: ProcessingResponse[],
  ): ProcessingResponse[] {
    if (this.#closed) return [];
    const phase = message.request.case;
    if (phase !== undefined) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.#seconds += seconds;
      this.#observer.messageProcessed(PHASES[phase], seconds);
    }
    // Observability mode: Envoy ignores every answer (contract §2.O), so weir sends none.
    return message.observabilityMode ? [] : answers;
  }

  /** The outcome counted once per exchange (the server reports "error" itself). */
  outcome(): "allow" | "detect" | "block" {
    return this.#summary().decision;
  }

  /** What the exchange amounted to: context, time weir added, every hit with its outcome. */
  report(): ExchangeReport {
    return {
      context: this.#context,
      seconds: this.#seconds,
      hits: [...this.#hits(this.#request), ...this.#hits(this.#response)],
    };
  }

  #hits(side: Side): SignatureHit[] {
    const direction = side.state.direction;
    const outcome = this.#refusedDirection === direction ? "blocked" : "detected";
    const hits: SignatureHit[] = side.findings.matches.map((match) => ({
      direction,
      match,
      outcome,
    }));
    for (const match of side.findings.inspector.excluded ?? []) {
      hits.push({ direction, match, outcome: "excluded" });
    }
    return hits;
  }

  /**
   * Report a redaction of matched bytes in a body weir forwards (response redaction calls
   * this for each masked match group).
   */
  redacted(direction: Direction, redaction: RedactionRecord): void {
    this.#observer.redacted(direction, redaction, this.#context);
  }

  /** Release the inspector's native resources. Idempotent; the first call closes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inspector.close();
  }

  /**
   * The route policy, chosen once from the first message (attributes, and the request headers
   * when they are that message), before anything is inspected: the inspector gets the route's
   * exclusions, paranoia and families before the first value is scanned.
   */
  #resolveRoute(message: ProcessingRequest): void {
    this.#attributes = exchangeAttributes(message.attributes);
    const first = message.request;
    const headers =
      first.case === "requestHeaders" ? headerEntries(first.value.headers) : undefined;
    this.#route = resolveRoute(this.#policies, routeFacts(this.#attributes, headers));
    this.#responsePolicy = responsePolicyOf(this.#route);
    this.#context = routeContext(this.#route, this.#attributes, this.#events);
    this.#inspector.useScope?.(this.#route, this.#events.excerpts);
  }

  /**
   * At the request headers: ask Envoy for the route's body modes where it honours the request
   * (mode-override.ts); both directions then expect them, and still accept Envoy's own.
   */
  #planOverride(endOfStream: boolean) {
    const plan = planModeOverride(this.#route.bodyModes, this.#negotiated, this.#observing);
    if (plan === undefined) return undefined;
    if (!endOfStream) this.#request.state.overrideBodyMode(plan.request);
    if (this.#response.state.phase === "idle") this.#response.state.overrideBodyMode(plan.response);
    return plan.message;
  }

  #configure(config: ProtocolConfiguration | undefined): void {
    if (config === undefined) return;
    this.#request.state.setBodyMode(bodyModeFromProto(config.requestBodyMode));
    this.#response.state.setBodyMode(bodyModeFromProto(config.responseBodyMode));
    this.#negotiated = {
      request: this.#request.state.bodyMode,
      response: this.#response.state.bodyMode,
      sendBodyWithoutWaiting: config.sendBodyWithoutWaitingForHeaderResponse,
    };
  }

  #headers(side: Side, message: HttpHeaders): ProcessingResponse[] {
    const request = side === this.#request;
    const modeOverride =
      request && side.state.phase === "idle" ? this.#planOverride(message.endOfStream) : undefined;
    side.state.acceptHeaders(message.endOfStream);
    const entries = headerEntries(message.headers);
    if (request) {
      this.#facts = requestFacts(entries);
      this.#context = requestContext(
        this.#context,
        this.#facts,
        entries,
        this.#attributes,
        this.#events,
      );
    }
    const fresh = side.findings.inspectHeaders(entries, message.endOfStream);
    const refusal = this.#judge(side, fresh, "headers");
    if (refusal !== undefined) return [refusal];
    const headerMutation = request ? upstreamHeaderMutation(side.findings, this.#facts) : undefined;
    const dynamicMetadata = this.#metadata(side, fresh);
    return [
      headersContinue(side.state.direction, { headerMutation, dynamicMetadata, modeOverride }),
    ];
  }

  #body(side: Side, message: HttpBody): Answers {
    if (this.#onBodyAfterEnd !== undefined && this.#bodyEnded.has(side)) {
      const direction = side.state.direction;
      this.#onBodyAfterEnd(direction);
      return side.state.bodyMode === "full_duplex_streamed"
        ? streamedBodyEcho(direction, new Uint8Array(0), true)
        : [bodyContinue(direction)];
    }
    side.state.acceptBody(message.endOfStream);
    if (message.endOfStream) this.#bodyEnded.add(side);
    if (side.state.bodyMode === "full_duplex_streamed") {
      const { direction } = side.state;
      startRewriting(direction, side.findings.inspector, this.#route.mode, this.#observing);
    }
    const fresh = side.findings.inspectBody(message.body, message.endOfStream, this.#observer);
    if (isPending(fresh)) {
      return fresh.then((settled) =>
        this.#closed ? [] : this.#bodyAnswers(side, message, settled),
      );
    }
    return this.#bodyAnswers(side, message, fresh);
  }

  #bodyAnswers(side: Side, message: HttpBody, fresh: readonly Match[]): ProcessingResponse[] {
    const refusal = this.#judge(side, fresh, "body");
    if (refusal !== undefined) return [refusal];
    const dynamicMetadata = this.#metadata(side, fresh);
    const mode = side.state.bodyMode;
    if (mode === "full_duplex_streamed") {
      const { direction } = side.state;
      const duplex = duplexBodyAnswers(
        direction,
        side.findings.inspector,
        message.body,
        message.endOfStream,
        dynamicMetadata,
      );
      if (duplex.redactions !== undefined) this.redacted(direction, duplex.redactions);
      return duplex.answers;
    }
    const headerMutation =
      side === this.#request && side.state.headersSeen && side.state.headersHeldDuringBody
        ? upstreamHeaderMutation(side.findings, this.#facts, { onlyFindings: true })
        : undefined;
    return [bodyContinue(side.state.direction, { headerMutation, dynamicMetadata })];
  }

  #trailers(side: Side, message: HttpTrailers): Answers {
    side.state.acceptTrailers();
    const fresh = side.findings.inspectTrailers(headerEntries(message.trailers));
    if (isPending(fresh)) {
      return fresh.then((settled) => (this.#closed ? [] : this.#trailersAnswers(side, settled)));
    }
    return this.#trailersAnswers(side, fresh);
  }

  #trailersAnswers(side: Side, fresh: readonly Match[]): ProcessingResponse[] {
    const refusal = this.#judge(side, fresh, "trailers");
    if (refusal !== undefined) return [refusal];
    const dynamicMetadata = this.#metadata(side, fresh);
    const { direction } = side.state;
    if (side.state.bodyMode !== "full_duplex_streamed") {
      return [trailersContinue(direction, { dynamicMetadata })];
    }
    // The trailers ended the body: what the redaction held back goes out first.
    const prelude = duplexTrailersPrelude(direction, side.findings.inspector);
    if (prelude.redactions !== undefined) this.redacted(direction, prelude.redactions);
    return [...prelude.answers, trailersContinue(direction, { dynamicMetadata })];
  }

  /**
   * Ask the policy; on a refusal, remember it and build the ImmediateResponse. A refusal after
   * the response headers went downstream only resets the client's stream (late-block.ts).
   */
  #judge(
    side: Side,
    fresh: readonly Match[],
    message: RefusedMessage,
  ): ProcessingResponse | undefined {
    const policy = side === this.#request ? this.#route : this.#responsePolicy;
    let decision = decide(side.findings.matches, fresh, policy);
    // Envoy ignores answers in observability mode: weir cannot refuse, it records a detection.
    if (decision.kind === "block" && this.#observing) {
      decision = { kind: "detect", score: decision.score, matches: decision.matches };
    }
    if (decision.kind === "allow") return undefined;
    if (decision.kind === "block" && refusalResetsStream(side.state, message)) {
      decision = { ...decision, streamReset: true };
    }
    side.findings.score = decision.score;
    this.#observer.decided(side.state.direction, decision, this.#context);
    if (decision.kind !== "block") return undefined;
    this.#refused = decision;
    this.#refusedDirection = side.state.direction;
    return immediateResponse(decision, this.#facts, weirMetadata(this.#summary()));
  }

  /** Metadata on answers that bring new findings, and on the answer that ends a direction. */
  #metadata(side: Side, fresh: readonly Match[]): JsonObject | undefined {
    const report = fresh.length > 0 || (side.state.ended && side.findings.matches.length > 0);
    return report ? weirMetadata(this.#summary()) : undefined;
  }

  #summary(): ExchangeFindings {
    const request = this.#request.findings;
    const response = this.#response.findings;
    const all = [...request.matches, ...response.matches];
    return {
      decision: this.#refused !== undefined ? "block" : all.length > 0 ? "detect" : "allow",
      score: Math.max(request.score, response.score),
      signatureIds: [...new Set(all.map((m) => m.signatureId))],
      families: [...new Set(all.map((m) => m.family))].sort(),
      mode: this.#route.mode,
      route: this.#route.name,
    };
  }
}

/** The route's policy as the response direction applies it: its own threshold. */
function responsePolicyOf(route: RoutePolicy): PolicyConfig {
  return { ...route, threshold: route.responseThreshold };
}

function isPromise(answers: Answers): answers is Promise<ProcessingResponse[]> {
  return !Array.isArray(answers);
}

function assertNever(value: never): never {
  throw new ExchangeError("internal_error", `unhandled ProcessingRequest case ${String(value)}`);
}
