/**
 * Response redaction and response blocks end to end: the Envoy simulator (src/envoy/) plays
 * Envoy's client rules against a real weir server compiled from the built-in leakage
 * signatures. In FULL_DUPLEX_STREAMED, Envoy forwards to the client only what weir streams
 * back, so the client's bytes are the redacted body, whatever the chunking; a block after the
 * response headers went downstream reaches the client as a reset, one before as a 403.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExtProcClient } from "../../src/envoy/index.js";
import { DEFAULT_MESSAGE_BUDGET } from "../../src/inspect/budget.js";
import { type CompiledEngine, compileEngine } from "../../src/inspect/engine.js";
import { directoryCache } from "../../src/signatures/database-cache.js";
import { loadSignatureFiles } from "../../src/signatures/load.js";
import { Harness } from "../server/grpc-harness.js";
import { bytes, getHeaders, patient, text } from "./helpers.js";
import { runExchange, type SimExchange } from "./simulator.js";

const LEAKAGE = fileURLToPath(new URL("../../signatures/leakage.yaml", import.meta.url));

let engine: CompiledEngine;
let harness: Harness;
let client: ExtProcClient;
/** The same engine behind a server with the per-message time budget (as `weir serve` runs). */
let budgeted: Harness;
let budgetedClient: ExtProcClient;

beforeAll(async () => {
  const { signatures } = await loadSignatureFiles([LEAKAGE]);
  engine = compileEngine(signatures, {
    paranoia: 1,
    cache: directoryCache(join(tmpdir(), "weir-redaction-databases")),
  });
  harness = await Harness.start({ engine: () => engine, policy: { mode: "enforce" } });
  client = new ExtProcClient(harness.target);
  await client.ready();
  budgeted = await Harness.start({
    engine: () => engine,
    policy: { mode: "enforce" },
    server: { timing: DEFAULT_MESSAGE_BUDGET },
  });
  budgetedClient = new ExtProcClient(budgeted.target);
  await budgetedClient.ready();
}, 60_000);

afterAll(() => {
  client?.close();
  harness?.close();
  budgetedClient?.close();
  budgeted?.close();
  engine?.retire();
});

/**
 * Whether the time budget's decorator passes the response inspector's rewriter on
 * (src/redact/body-rewriter.ts); until it does, a budgeted server echoes FULL_DUPLEX bodies.
 */
const duplex = patient({ requestBodyMode: "NONE", responseBodyMode: "FULL_DUPLEX_STREAMED" });

function response(chunks: string[], trailers: [string, string][] | null = null): SimExchange {
  return {
    requestHeaders: getHeaders([["x-request-id", "sim-redact"]]),
    requestChunks: [],
    requestTrailers: null,
    responseHeaders: [
      [":status", "200"],
      ["content-type", "application/json"],
    ],
    responseChunks: chunks.map(bytes),
    responseTrailers: trailers,
  };
}

const BODY = '{"pan":"4111 1111 1111 1111","key":"AKIAIOSFODNN7EXAMPLE","note":"ok"}';
const REDACTED = '{"pan":"*******************","key":"********************","note":"ok"}';

describe("FULL_DUPLEX_STREAMED response redaction through the simulator", () => {
  it("forwards the redacted body to the client", async () => {
    const outcome = await runExchange({ client }, response([BODY]), duplex);
    expect(outcome.verdict).toBe("allow");
    expect(outcome.response?.ended).toBe(true);
    expect(text(outcome.response?.body ?? new Uint8Array())).toBe(REDACTED);
  });

  it("forwards the same bytes for every cut of the body into two chunks", async () => {
    for (let at = 1; at < BODY.length; at++) {
      const outcome = await runExchange(
        { client },
        response([BODY.slice(0, at), BODY.slice(at)]),
        duplex,
      );
      expect(text(outcome.response?.body ?? new Uint8Array()), `cut at ${at}`).toBe(REDACTED);
    }
  }, 60_000);

  it("redacts behind the per-message time budget too (as weir serve runs)", async () => {
    const outcome = await runExchange({ client: budgetedClient }, response([BODY]), duplex);
    expect(text(outcome.response?.body ?? new Uint8Array())).toBe(REDACTED);
  });

  it("releases the held tail before answering the response trailers", async () => {
    const outcome = await runExchange(
      { client },
      response(['{"token":"ghp_1a2B3c4D5e6F7g8H9i0J', '1k2L3m4N5o6P7q8R"}'], [["x-checksum", "1"]]),
      duplex,
    );
    expect(outcome.verdict).toBe("allow");
    expect(text(outcome.response?.body ?? new Uint8Array())).toBe(`{"token":"${"*".repeat(40)}"}`);
    expect(outcome.response?.trailers).toEqual([["x-checksum", "1"]]);
  });
});

describe("response blocks through the simulator", () => {
  const stackTrace = 'Traceback (most recent call last):\n  File "/app/main.py", line 3';

  it("resets the client stream once the response headers went downstream (STREAMED)", async () => {
    const outcome = await runExchange(
      { client },
      response(["<html>", stackTrace]),
      patient({ requestBodyMode: "NONE", responseBodyMode: "STREAMED" }),
    );
    expect(outcome.status).toBeNull();
    expect(outcome.reset).not.toBeNull();
  });

  it("answers 403 while Envoy still holds the response headers (BUFFERED)", async () => {
    const outcome = await runExchange(
      { client },
      response(["<html>", stackTrace]),
      patient({ requestBodyMode: "NONE", responseBodyMode: "BUFFERED" }),
    );
    expect(outcome.status).toBe(403);
    expect(outcome.reset).toBeNull();
  });
});
