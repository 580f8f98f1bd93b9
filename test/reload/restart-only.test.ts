// A reload cannot rebind a listener or change what the server was started with: those
// settings keep their running values, and each change is reported.
import { describe, expect, it } from "vitest";
import { resolveServeConfig } from "../../src/config/serve-config.js";
import { keepRestartOnly } from "../../src/reload/restart-only.js";

const running = resolveServeConfig(new Map(), {});
const requested = resolveServeConfig(
  new Map([
    ["grpc-listen", "127.0.0.1:7000"],
    ["log-level", "debug"],
    ["mode", "detect"],
    ["threshold", "9"],
    ["tls-cert", "package.json"],
    ["tls-key", "package.json"],
  ]),
  {},
);

describe("keepRestartOnly", () => {
  it("keeps the running listener, log level and TLS mode and applies the rest", () => {
    const { config, changes } = keepRestartOnly(running, requested);
    expect(config.grpcListen).toEqual(running.grpcListen);
    expect(config.logLevel).toBe("info");
    expect(config.tls).toBeUndefined();
    expect([config.mode, config.threshold]).toEqual(["detect", 9]);
    expect(config.policies.fallback).toMatchObject({ mode: "detect", threshold: 9 });
    expect(changes.map((c) => c.key)).toEqual(["listeners.grpc.address", "logLevel", "tls"]);
    expect(changes[0]).toEqual({
      key: "listeners.grpc.address",
      running: "0.0.0.0:50051",
      requested: "127.0.0.1:7000",
    });
  });

  it("reports nothing when only reloadable settings change", () => {
    const detect = resolveServeConfig(new Map([["mode", "detect"]]), {});
    expect(keepRestartOnly(running, detect).changes).toEqual([]);
  });

  it("takes new certificate paths while the TLS mode stays the same", () => {
    const a = resolveServeConfig(
      new Map([
        ["tls-cert", "package.json"],
        ["tls-key", "package.json"],
      ]),
      {},
    );
    const b = resolveServeConfig(
      new Map([
        ["tls-cert", "biome.json"],
        ["tls-key", "biome.json"],
      ]),
      {},
    );
    const { config, changes } = keepRestartOnly(a, b);
    expect(changes).toEqual([]);
    expect(config.tls?.files.cert).toBe(b.tls?.files.cert);
  });
});
