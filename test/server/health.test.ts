/**
 * grpc.health.v1 Check: SERVING once bound, switchable for readiness, NOT_SERVING from the first
 * moment of a drain (during the notice period, when the server still answers), NOT_FOUND for
 * services weir does not serve.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, expect, it } from "vitest";
import { HealthCheckResponse_ServingStatus as Serving } from "../../src/gen/grpc/health/v1/health_pb.js";
import { EXT_PROC_SERVICE_NAME } from "../../src/server/health.js";
import { Harness, healthCheck } from "./grpc-harness.js";

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

it("reports SERVING, follows setServing, and NOT_SERVING during a drain", async () => {
  harness = await Harness.start({ server: { drainNoticeMs: 3_000 } });
  const client = harness.healthClient();
  expect(await healthCheck(client, "")).toMatchObject({ status: Serving.SERVING });
  expect(await healthCheck(client, EXT_PROC_SERVICE_NAME)).toMatchObject({
    status: Serving.SERVING,
  });
  await expect(healthCheck(client, "some.other.Service")).rejects.toMatchObject({
    code: grpc.status.NOT_FOUND,
  });

  harness.server.setServing(false);
  expect(await healthCheck(client, "")).toMatchObject({ status: Serving.NOT_SERVING });
  harness.server.setServing(true);
  expect(await healthCheck(client, EXT_PROC_SERVICE_NAME)).toMatchObject({
    status: Serving.SERVING,
  });

  const draining = harness.server.drain();
  harness.server.setServing(true); // readiness cannot revive a draining server
  expect(await healthCheck(client, "")).toMatchObject({ status: Serving.NOT_SERVING });
  expect(await healthCheck(client, EXT_PROC_SERVICE_NAME)).toMatchObject({
    status: Serving.NOT_SERVING,
  });
  await draining;
});
