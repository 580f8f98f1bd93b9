// runServe with the engine, loader and gRPC server replaced by doubles: what serve itself owns
// is tested here (metrics listener, readiness, the start line, signals and drain, exit codes).
import { EventEmitter } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  type CompiledSignatureSet,
  type LoadedSignatureSet,
  listenCause,
  type RunningExtProcServer,
  type startExtProc,
} from "../../src/cli/engine-wiring.js";
import { runServe, type ServeWiring } from "../../src/cli/serve.js";
import { resolveServeConfig } from "../../src/config/serve-config.js";
import type { InspectionEngine } from "../../src/inspect/types.js";

const config = resolveServeConfig(
  new Map([
    ["grpc-listen", "127.0.0.1:0"],
    ["metrics-listen", "127.0.0.1:0"],
    ["drain-timeout", "7"],
  ]),
  {},
);

const engine: InspectionEngine = {
  openExchange: () => {
    throw new Error("not used");
  },
  info: { hash: "abc123", signatures: 3, compileSeconds: 0.0123 },
};
const loaded: LoadedSignatureSet = {
  signatures: [],
  report: { loaded: [], skipped: [], failed: [], files: [], hash: "abc123" },
  counts: { loaded: 4, skipped: 1, failed: 0 },
  problems: [{ state: "skipped", id: "100", reason: "paranoia level 2" }],
  unusable: undefined,
};
const compiled = (loadedCount: number): CompiledSignatureSet => ({
  engine,
  counts: { loaded: loadedCount, skipped: 1, failed: 1 },
  problems: [{ state: "failed", id: "200", reason: "Hyperscan: bad pattern" }],
});

function harness(
  options: { compiled?: number; startError?: Error; metricsPort?: number; unusable?: string } = {},
) {
  const signals = new EventEmitter();
  const lines: string[] = [];
  const calls: string[] = [];
  let finishDrain: () => void = () => {};
  let drainStarted: () => void = () => {};
  const drainCalled = new Promise<void>((resolve) => {
    drainStarted = resolve;
  });
  let started: Parameters<typeof startExtProc>[0] | undefined;
  const server: RunningExtProcServer = {
    port: 45678,
    setServing: (ok) => calls.push(`setServing ${ok}`),
    drain: () => {
      calls.push("drain");
      drainStarted();
      return new Promise<void>((resolve) => {
        finishDrain = resolve;
      });
    },
    forceClose: () => calls.push("forceClose"),
  };
  const wiring: ServeWiring = {
    loadSignatureSet: async () => ({ ...loaded, unusable: options.unusable }),
    compileSignatureSet: async () => compiled(options.compiled ?? 3),
    startExtProc: async (o) => {
      started = o;
      if (options.startError) throw options.startError;
      return server;
    },
  };
  let ready: (ports: { grpc: number; metrics: number }) => void = () => {};
  const readyPorts = new Promise<{ grpc: number; metrics: number }>((resolve) => {
    ready = resolve;
  });
  const metricsListen = { host: "127.0.0.1", port: options.metricsPort ?? 0 };
  const run = runServe(
    { ...config, metricsListen },
    {
      signals,
      sink: (l) => lines.push(l),
      wiring,
      onReady: ready,
    },
  );
  const logs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    signals,
    calls,
    logs,
    run,
    readyPorts,
    drainCalled,
    finishDrain: () => finishDrain(),
    started: () => started,
  };
}

/** A port that was free a moment ago (loopback; the test binds it right after). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const get = (port: number, path: string) => fetch(`http://127.0.0.1:${port}${path}`);

describe("weir serve", () => {
  it("starts, reports ready with its metrics, drains on SIGTERM and exits 0", async () => {
    const h = harness();
    const ports = await h.readyPorts;
    expect(ports.grpc).toBe(45678);
    expect((await get(ports.metrics, "/readyz")).status).toBe(200);
    const metrics = await (await get(ports.metrics, "/metrics")).text();
    expect(metrics).toContain('weir_signatures_loaded{state="loaded"} 3');
    expect(metrics).toContain('weir_signatures_loaded{state="failed"} 1');
    expect(metrics).toContain('weir_engine_info{signature_set_hash="abc123"} 1');
    expect(metrics).toContain("process_cpu_seconds_total");

    h.signals.emit("SIGTERM");
    await h.drainCalled;
    expect((await get(ports.metrics, "/readyz")).status).toBe(503);
    h.finishDrain();
    expect(await h.run).toBe(0);
    expect(h.calls).toEqual(["setServing true", "drain"]);
    await expect(get(ports.metrics, "/healthz")).rejects.toThrow();
  });

  it("hands the server its settings, and logs one start line with counts and timing", async () => {
    const h = harness();
    await h.readyPorts;
    expect(h.started()).toMatchObject({
      listen: { host: "127.0.0.1", port: 0 },
      maxReceiveMessageBytes: config.maxReceiveMessageBytes,
      drainTimeoutSeconds: 7,
      policy: { mode: "enforce", threshold: 5 },
    });
    h.signals.emit("SIGINT");
    await h.drainCalled;
    h.finishDrain();
    await h.run;
    const logs = h.logs();
    expect(logs.filter((l) => l.level === "warn").map((l) => l.signature_id)).toEqual(["200"]);
    expect(logs.some((l) => l.signature_id === "100")).toBe(false); // a skip is debug
    expect(logs.find((l) => l.msg === "weir serving")).toMatchObject({
      grpc_listen: "127.0.0.1:45678",
      mode: "enforce",
      signatures: "built-in",
      signatures_loaded: 3,
      signatures_skipped: 1,
      signatures_failed: 1,
      compile_seconds: 0.012,
      signature_set_hash: "abc123",
    });
    expect(logs.find((l) => l.msg === "draining")).toMatchObject({ signal: "SIGINT" });
    expect(logs.at(-1)?.msg).toBe("weir stopped");
  });

  it("cuts open streams when a second signal arrives during the drain", async () => {
    const h = harness();
    await h.readyPorts;
    h.signals.emit("SIGTERM");
    await h.drainCalled;
    h.signals.emit("SIGTERM");
    expect(await h.run).toBe(0);
    expect(h.calls).toEqual(["setServing true", "drain", "forceClose"]);
  });

  it("refuses to start, exit 1, when no signature compiled", async () => {
    const h = harness({ compiled: 0 });
    expect(await h.run).toBe(1);
    expect(h.started()).toBeUndefined();
    expect(h.logs().at(-1)).toMatchObject({
      level: "error",
      msg: expect.stringContaining("no signature"),
    });
  });

  it("refuses to start, exit 1, when a signature file failed whole", async () => {
    const unusable = "sqli.yaml:70: signature 100002: YAML: Tabs are not allowed as indentation";
    const h = harness({ unusable });
    expect(await h.run).toBe(1);
    expect(h.started()).toBeUndefined();
    expect(h.logs().at(-1)).toMatchObject({ level: "error", error: unusable });
  });

  it("names the cause when the gRPC address is in use", () => {
    const grpcError = new Error(
      "No address added out of total 1 resolved errors: [listen EADDRINUSE: address already in use 0.0.0.0:50051]",
    );
    const wrapped = new Error(`cannot listen on 0.0.0.0:50051: ${grpcError.message}`, {
      cause: grpcError,
    });
    expect(listenCause(wrapped)).toBe("address already in use (EADDRINUSE)");
    expect(listenCause(new Error("something else"))).toBeUndefined();
  });

  it("closes the metrics listener when the gRPC server cannot start", async () => {
    const metricsPort = await freePort();
    const h = harness({ startError: new Error("listen EADDRINUSE 127.0.0.1:50051"), metricsPort });
    await expect(h.run).rejects.toThrow("EADDRINUSE");
    await expect(get(metricsPort, "/healthz")).rejects.toThrow();
  });
});
