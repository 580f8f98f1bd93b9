// The proxy's warnings about Envoy local replies: one line per reason and second at most, and
// the plain-text body it adds to unavailability replies. Time is a counter, never the clock.
import { describe, expect, it } from "vitest";
import type { LocalReply } from "../../src/envoy/index.js";
import { explainLocalReply, LocalReplyLog } from "../../src/proxy/failure-log.js";

const reply = (cause: LocalReply["cause"], details: string): LocalReply => ({
  status: 500,
  headers: [[":status", "500"]],
  body: new Uint8Array(),
  details,
  cause,
  grpcStatus: null,
});

describe("LocalReplyLog", () => {
  it("warns once per reason per second and counts the suppressed ones", () => {
    let now = 10_000;
    const lines: Record<string, string | number>[] = [];
    const log = new LocalReplyLog(
      (_, fields) => lines.push(fields),
      () => now,
    );
    const down = reply("grpc_error", "ext_proc_error_gRPC_error_14");
    log.report(down);
    log.report(down);
    log.report(reply("message_timeout", "ext_proc_error_message_timeout"));
    now += 999;
    log.report(down);
    now += 1;
    log.report(down);
    expect(lines.map((l) => [l.cause, l.suppressed_since_last])).toEqual([
      ["grpc_error", 0],
      ["message_timeout", 0],
      ["grpc_error", 2],
    ]);
  });

  it("does not warn about weir's own ImmediateResponse", () => {
    const lines: unknown[] = [];
    new LocalReplyLog((e) => lines.push(e)).report(reply("immediate_response", "blocked"));
    expect(lines).toEqual([]);
  });
});

describe("explainLocalReply", () => {
  it("adds a short body to an unavailability reply only", () => {
    const explained = explainLocalReply(reply("grpc_error", "x"), false);
    expect(new TextDecoder().decode(explained.body)).toBe("weir ext_proc unavailable\n");
    expect(explained.headers).toContainEqual(["content-length", "26"]);
    expect(explainLocalReply(reply("grpc_error", "x"), true).body).toHaveLength(0);
    expect(explainLocalReply(reply("mutation_error", "x"), false).body).toHaveLength(0);
  });
});
