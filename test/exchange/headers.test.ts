/**
 * Request facts read from Envoy's header list: the request id is bounded and stripped of what
 * must not be echoed, gRPC is recognised by content type, client-sent x-weir-* headers are found.
 */
import { expect, it } from "vitest";
import {
  headerEntries,
  MAX_REQUEST_ID_LENGTH,
  requestFacts,
  sanitizeRequestId,
} from "../../src/exchange/headers.js";

const entries = (pairs: [string, string][]) =>
  pairs.map(([key, value]) => ({ key, value: new TextEncoder().encode(value) }));

it.each([
  ["7d4c2b1e-5a6f-4c1e-9b2a-0f1e2d3c4b5a", "7d4c2b1e-5a6f-4c1e-9b2a-0f1e2d3c4b5a"],
  ['a"b\\c%d e\r\nf', "abcdef"],
  ["\u00e9t\u00e9", "t"],
  [undefined, ""],
])("sanitizes request id %j to %j", (raw, expected) => {
  expect(sanitizeRequestId(raw)).toBe(expected);
});

it("bounds the request id", () => {
  expect(sanitizeRequestId("x".repeat(1000))).toHaveLength(MAX_REQUEST_ID_LENGTH);
});

it("reads method, gRPC content type, request id and forged weir headers", () => {
  const facts = requestFacts(
    entries([
      [":method", "POST"],
      ["content-type", " Application/GRPC+proto"],
      ["x-request-id", "r-1"],
      ["x-weir-signatures", "1,2"],
    ]),
  );
  expect(facts).toEqual({
    requestId: "r-1",
    method: "POST",
    grpc: true,
    forgedWeirHeaders: ["x-weir-signatures"],
  });
  expect(requestFacts(entries([["content-type", "application/json"]])).grpc).toBe(false);
});

it("takes raw_value, and the string value only when raw_value is empty (Envoy before 1.27)", () => {
  const map = {
    $typeName: "envoy.config.core.v3.HeaderMap" as const,
    headers: [
      {
        $typeName: "envoy.config.core.v3.HeaderValue" as const,
        key: "a",
        value: "ignored",
        rawValue: new Uint8Array([0x31]),
      },
      {
        $typeName: "envoy.config.core.v3.HeaderValue" as const,
        key: "b",
        value: "old",
        rawValue: new Uint8Array(),
      },
    ],
  };
  const out = headerEntries(map).map((e) => [e.key, Buffer.from(e.value).toString()]);
  expect(out).toEqual([
    ["a", "1"],
    ["b", "old"],
  ]);
});
