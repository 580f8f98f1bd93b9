/**
 * One ext_proc stream = one HTTP exchange. The Exchange owns both direction state machines, the
 * ExchangeInspector (native resources: closed exactly once by `close`), the request facts and the
 * decision state. `handle` takes one ProcessingRequest, in arrival order, inspects it, asks the
 * policy, and returns the answers to write: exactly one answer of the matching kind, or one
 * ImmediateResponse that ends the exchange, or several streamed pieces in FULL_DUPLEX_STREAMED,
 * or none in observability mode and after a refusal. Protocol violations throw ExchangeError;
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
import { type BodyMode, bodyModeFromProto, headersHeldDuringBody } from "./body-mode.js";
import { DirectionFindings } from "./direction-findings.js";
import { DirectionState } from "./direction-state.js";
import { type ExchangeFindings, weirMetadata } from "./dynamic-metadata.js";
import { headerEntries, type RequestFacts, requestFacts, UNKNOWN_REQUEST } from "./headers.js";
import { immediateResponse } from "./immediate.js";
import type { ExchangeObserver, Phase } from "./observer.js";
import { ExchangeError } from "./protocol-error.js";
import { bodyContinue, headersContinue, streamedBodyEcho, trailersContinue } from "./responses.js";
import { upstreamHeaderMutation } from "./upstream-headers.js";

export interface ExchangeOptions {
  readonly inspector: ExchangeInspector;
  readonly policy: PolicyConfig;
  readonly observer: ExchangeObserver;
  /** Body mode of both directions when Envoy sends no protocol_config (Envoy < 1.34). */
  readonly defaultBodyMode?: BodyMode;
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
  readonly #policy: PolicyConfig;
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

  constructor(options: ExchangeOptions) {
    this.#inspector = options.inspector;
    this.#policy = options.policy;
    this.#observer = options.observer;
    const mode = options.defaultBodyMode ?? "streamed";
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
      this.#observer.messageProcessed(PHASES[phase], seconds);
    }
    // Observability mode: Envoy ignores every answer (contract §2.O), so weir sends none.
    return message.observabilityMode ? [] : answers;
  }

  /** The outcome counted once per exchange (the server reports "error" itself). */
  outcome(): "allow" | "detect" | "block" {
    return this.#summary().decision;
  }

  /** Release the inspector's native resources. Idempotent; the first call closes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inspector.close();
  }

  #configure(config: ProtocolConfiguration | undefined): void {
    if (config === undefined) return;
    this.#request.state.setBodyMode(bodyModeFromProto(config.requestBodyMode));
    this.#response.state.setBodyMode(bodyModeFromProto(config.responseBodyMode));
  }

  #headers(side: Side, message: HttpHeaders): ProcessingResponse[] {
    side.state.acceptHeaders(message.endOfStream);
    const entries = headerEntries(message.headers);
    if (side === this.#request) this.#facts = requestFacts(entries);
    const fresh = side.findings.inspectHeaders(entries, message.endOfStream);
    const refusal = this.#judge(side, fresh);
    if (refusal !== undefined) return [refusal];
    const headerMutation =
      side === this.#request ? upstreamHeaderMutation(side.findings, this.#facts) : undefined;
    const dynamicMetadata = this.#metadata(side, fresh);
    return [headersContinue(side.state.direction, { headerMutation, dynamicMetadata })];
  }

  #body(side: Side, message: HttpBody): Answers {
    side.state.acceptBody(message.endOfStream);
    const fresh = side.findings.inspectBody(message.body, message.endOfStream, this.#observer);
    if (isPending(fresh)) {
      return fresh.then((settled) =>
        this.#closed ? [] : this.#bodyAnswers(side, message, settled),
      );
    }
    return this.#bodyAnswers(side, message, fresh);
  }

  #bodyAnswers(side: Side, message: HttpBody, fresh: readonly Match[]): ProcessingResponse[] {
    const refusal = this.#judge(side, fresh);
    if (refusal !== undefined) return [refusal];
    const dynamicMetadata = this.#metadata(side, fresh);
    const mode = side.state.bodyMode;
    if (mode === "full_duplex_streamed") {
      return streamedBodyEcho(
        side.state.direction,
        message.body,
        message.endOfStream,
        dynamicMetadata,
      );
    }
    const headerMutation =
      side === this.#request && side.state.headersSeen && headersHeldDuringBody(mode)
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
    const refusal = this.#judge(side, fresh);
    if (refusal !== undefined) return [refusal];
    const dynamicMetadata = this.#metadata(side, fresh);
    return [trailersContinue(side.state.direction, { dynamicMetadata })];
  }

  /** Ask the policy; on a refusal, remember it and build the ImmediateResponse. */
  #judge(side: Side, fresh: readonly Match[]): ProcessingResponse | undefined {
    let decision = decide(side.findings.matches, fresh, this.#policy);
    // Envoy ignores answers in observability mode: weir cannot refuse, it records a detection.
    if (decision.kind === "block" && this.#observing) {
      decision = { kind: "detect", score: decision.score, matches: decision.matches };
    }
    if (decision.kind === "allow") return undefined;
    side.findings.score = decision.score;
    this.#observer.decided(side.state.direction, decision, this.#facts.requestId);
    if (decision.kind !== "block") return undefined;
    this.#refused = decision;
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
      mode: this.#policy.mode,
    };
  }
}

function isPromise(answers: Answers): answers is Promise<ProcessingResponse[]> {
  return !Array.isArray(answers);
}

function assertNever(value: never): never {
  throw new ExchangeError("internal_error", `unhandled ProcessingRequest case ${String(value)}`);
}
