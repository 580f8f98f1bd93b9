/**
 * The one mapping from errors to gRPC statuses: protocol errors keep their precise message,
 * internal errors never leak their message (Envoy copies details into its access log).
 */
import * as grpc from "@grpc/grpc-js";
import { expect, it } from "vitest";
import { ExchangeError, type ExchangeErrorCode } from "../../src/exchange/protocol-error.js";
import { statusForError } from "../../src/server/ext-proc-service.js";

const CASES: [ExchangeErrorCode, grpc.status, string, boolean][] = [
  ["malformed_message", grpc.status.INVALID_ARGUMENT, "malformed_message", true],
  ["unexpected_message", grpc.status.FAILED_PRECONDITION, "unexpected_message", true],
  [
    "message_after_end_of_stream",
    grpc.status.FAILED_PRECONDITION,
    "message_after_end_of_stream",
    true,
  ],
  ["invalid_header_mutation", grpc.status.INTERNAL, "internal_error", false],
  ["internal_error", grpc.status.INTERNAL, "internal_error", false],
];

it.each(CASES)("maps %s to %s, counted as %s", (code, status, reason, keepsMessage) => {
  const mapped = statusForError(new ExchangeError(code, "the precise story of secret=hunter2"));
  expect(mapped.code).toBe(status);
  expect(mapped.reason).toBe(reason);
  expect(mapped.details.includes("secret=hunter2")).toBe(keepsMessage);
});

it("maps anything that is not an ExchangeError to INTERNAL without its message", () => {
  const mapped = statusForError(
    new TypeError("cannot read properties of undefined (payload ATTACK)"),
  );
  expect(mapped).toMatchObject({ code: grpc.status.INTERNAL, reason: "internal_error" });
  expect(mapped.details).not.toContain("ATTACK");
  expect(statusForError("a thrown string").code).toBe(grpc.status.INTERNAL);
});
