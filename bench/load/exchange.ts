/**
 * One HTTP exchange played over one ext_proc stream the way Envoy plays it in STREAMED mode:
 * request headers, wait for their answer (Envoy holds the body meanwhile), then the body
 * chunks, pipelined up to a bound of unanswered bytes (Envoy's buffer limit, 1 MiB by
 * default; 1 chunk in flight = lock-step), each answered in order. The exchange ends at the
 * last answer, or early on an ImmediateResponse; then the client half-closes. Every message's
 * latency (write to its answer) is reported to the caller.
 */
import type * as grpc from "@grpc/grpc-js";
import { ANSWER_TAG } from "./messages.js";

export const PROCESS_PATH = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";

const identity = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const asIs = (bytes: Buffer): Buffer => bytes;

export interface ExchangePlan {
  readonly headers: Uint8Array;
  /** Body messages in order; the last one carries end_of_stream. */
  readonly chunk: (index: number) => Uint8Array;
  readonly chunks: number;
  /** Body messages written before their answers arrive (>= 1). */
  readonly inFlight: number;
  /** Resolve once the first body answer arrived and do not send more (for held streams). */
  readonly holdAfterFirstChunk?: boolean;
}

export type ExchangeOutcome = "completed" | "blocked" | "failed" | "held";

export interface ExchangeResult {
  readonly outcome: ExchangeOutcome;
  readonly detail?: string;
  /** The call, still open when held. */
  readonly call: grpc.ClientDuplexStream<Uint8Array, Buffer>;
}

/** Opens a Process stream on `client` and plays `plan`; `latency` gets each answer's delay (ms). */
export function runExchange(
  client: grpc.Client,
  plan: ExchangePlan,
  latency: (ms: number) => void,
): Promise<ExchangeResult> {
  const call = client.makeBidiStreamRequest<Uint8Array, Buffer>(PROCESS_PATH, identity, asIs);
  return new Promise<ExchangeResult>((resolve) => {
    const sentAt: number[] = [];
    let next = 0;
    let answered = 0;
    let headersAnswered = false;
    let settled = false;
    const finish = (outcome: ExchangeOutcome, detail?: string) => {
      if (settled) return;
      settled = true;
      if (outcome !== "held") call.end();
      resolve(detail === undefined ? { outcome, call } : { outcome, detail, call });
    };
    const send = (bytes: Uint8Array) => {
      sentAt.push(performance.now());
      call.write(bytes);
    };
    const pump = () => {
      const limit = plan.holdAfterFirstChunk ? 1 : plan.chunks;
      while (next < limit && next - answered < plan.inFlight) send(plan.chunk(next++));
    };
    call.on("data", (answer: Buffer) => {
      const at = performance.now();
      latency(at - (sentAt.shift() ?? at));
      const tag = answer[0];
      if (tag === ANSWER_TAG.immediateResponse) {
        finish("blocked");
      } else if (!headersAnswered && tag === ANSWER_TAG.requestHeaders) {
        headersAnswered = true;
        if (plan.chunks === 0) finish("completed");
        else pump();
      } else if (headersAnswered && tag === ANSWER_TAG.requestBody) {
        answered++;
        if (plan.holdAfterFirstChunk) finish("held");
        else if (answered === plan.chunks) finish("completed");
        else pump();
      } else {
        finish("failed", `unexpected answer (first byte ${tag}) after ${answered} body answers`);
      }
    });
    call.on("error", (error: grpc.ServiceError) =>
      finish("failed", `${error.code}: ${error.details}`),
    );
    call.on("status", (status: grpc.StatusObject) => {
      if (!settled) finish("failed", `stream ended early: ${status.code} ${status.details}`);
    });
    send(plan.headers);
  });
}
