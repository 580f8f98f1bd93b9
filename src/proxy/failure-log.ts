/**
 * What `weir proxy` says when Envoy's part fails on its own (weir unreachable, a message
 * timeout, a refused mutation): Envoy answers the client itself (a 500 with no body) and would
 * log it; the proxy logs one warn line per failure reason, at most one per second per reason
 * (with how many were suppressed), and gives unavailability replies a short plain-text body.
 */
import type { HeaderList, LocalReply } from "../envoy/index.js";

export type ProxyWarn = (event: string, fields: Record<string, string | number>) => void;

/** Rate-limited warnings about local replies weir did not ask for. */
export class LocalReplyLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly warn: ProxyWarn,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 1000,
  ) {}

  /** Records one local reply; weir's own ImmediateResponse (a block) is not a failure. */
  report(reply: LocalReply): void {
    if (reply.cause === "immediate_response") return;
    const reason = `${reply.cause}/${reply.details}`;
    const now = this.now();
    const seen = this.last.get(reason);
    if (seen !== undefined && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    this.last.set(reason, { at: now, suppressed: 0 });
    this.warn("ext_proc failed; Envoy local reply sent", {
      cause: reply.cause,
      details: reply.details,
      status: reply.status,
      suppressed_since_last: seen?.suppressed ?? 0,
    });
  }
}

const UNAVAILABLE = new TextEncoder().encode("weir ext_proc unavailable\n");

/**
 * Envoy's reply when weir cannot be reached or does not answer in time has no body; the proxy
 * adds "weir ext_proc unavailable" so a person trying it sees why. Other replies are unchanged.
 */
export function explainLocalReply(reply: LocalReply, headRequest: boolean): LocalReply {
  const unavailable = reply.cause === "grpc_error" || reply.cause === "message_timeout";
  if (!unavailable || headRequest || reply.body.length > 0 || reply.grpcStatus !== null) {
    return reply;
  }
  const headers: HeaderList = [
    ...reply.headers.filter(([name]) => name !== "content-type" && name !== "content-length"),
    ["content-type", "text/plain"],
    ["content-length", String(UNAVAILABLE.length)],
  ];
  return { ...reply, headers, body: UNAVAILABLE };
}
