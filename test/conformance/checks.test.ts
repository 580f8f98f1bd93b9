/**
 * The conformance checks must be able to fail: each answer shape weir may never send is fed to
 * expectAllowedAnswer and must be refused, and weir's own shapes must pass.
 */
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  type ProcessingResponse,
  ProcessingResponseSchema,
} from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { expectAllowedAnswer } from "./checks.js";

const set = (header: { key: string; value?: string; rawValue?: Uint8Array }, append?: boolean) =>
  create(ProcessingResponseSchema, {
    response: {
      case: "requestHeaders",
      value: {
        response: {
          headerMutation: {
            setHeaders: [{ header, ...(append === undefined ? {} : { append }) }],
          },
        },
      },
    },
  });
const raw = (s: string) => new TextEncoder().encode(s);

const FORBIDDEN: Record<string, ProcessingResponse> = {
  "value instead of raw_value": set({ key: "x-weir-score", value: "5" }, false),
  "append unset": set({ key: "x-weir-score", rawValue: raw("5") }),
  "content-length set": set({ key: "content-length", rawValue: raw("5") }, false),
  mode_override: create(ProcessingResponseSchema, {
    response: { case: "requestHeaders", value: {} },
    modeOverride: {},
  }),
  CONTINUE_AND_REPLACE: create(ProcessingResponseSchema, {
    response: { case: "requestHeaders", value: { response: { status: 1 } } },
  }),
  clear_route_cache: create(ProcessingResponseSchema, {
    response: { case: "requestBody", value: { response: { clearRouteCache: true } } },
  }),
  "plain body mutation": create(ProcessingResponseSchema, {
    response: {
      case: "requestBody",
      value: { response: { bodyMutation: { mutation: { case: "body", value: raw("x") } } } },
    },
  }),
  "empty response oneof": create(ProcessingResponseSchema, {}),
  "override_message_timeout where the test allows none": create(ProcessingResponseSchema, {
    overrideMessageTimeout: { seconds: 1n, nanos: 0 },
  }),
};

const extensionWithResponse = create(ProcessingResponseSchema, {
  response: { case: "requestBody", value: {} },
  overrideMessageTimeout: { seconds: 1n, nanos: 0 },
});

describe("conformance checks", () => {
  for (const [name, answer] of Object.entries(FORBIDDEN)) {
    it(`refuses ${name}`, () => {
      expect(() => expectAllowedAnswer(answer, false)).toThrow();
    });
  }

  it("accepts weir's own shapes", () => {
    expectAllowedAnswer(set({ key: "x-weir-score", rawValue: raw("5") }, false), false);
    expectAllowedAnswer(
      create(ProcessingResponseSchema, { response: { case: "requestBody", value: {} } }),
      false,
    );
  });

  it("accepts a timer extension alone in its message only where the test allows it (D3, J3)", () => {
    const extension = FORBIDDEN["override_message_timeout where the test allows none"];
    if (extension === undefined) throw new Error("fixture missing");
    expectAllowedAnswer(extension, false, { timerExtension: true });
    expect(() =>
      expectAllowedAnswer(extensionWithResponse, false, { timerExtension: true }),
    ).toThrow();
  });
});
