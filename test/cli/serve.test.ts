// runServe with the engine, loader and gRPC server replaced by doubles: what serve itself owns
// is tested here (metrics listener, readiness, the start line, signals and drain, exit codes).
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CompiledSignatureSet,
  type LoadedSignatureSet,
  listenCause,
  type RunningExtProcServer,
  type startExtProc,
} from "../../src/cli/engine-wiring.js";
import { parseServeArgs, runServe, type ServeWiring } from "../../src/cli/serve.js";
import { fixedConfigSource, serveConfigSource } from "../../src/config/load-serve-config.js";
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
  const run = runServe(fixedConfigSource({ ...config, metricsListen }), {
    signals,
    sink: (l) => lines.push(l),
    wiring,
    onReady: ready,
  });
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
    });
    const started = h.started();
    if (started === undefined || !("runtime" in started)) throw new Error("no runtime passed");
    expect(started.runtime().policies.fallback).toMatchObject({
      name: "default",
      mode: "enforce",
      threshold: 5,
    });
    expect(started.runtime().engine).toBe(engine);
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
      error: expect.stringContaining("no signature"),
    });
  });

  it("refuses to start, exit 1, when a signature file failed whole", async () => {
    const unusable = "sqli.yaml:70: signature 100002: YAML: Tabs are not allowed as indentation";
    const h = harness({ unusable });
    expect(await h.run).toBe(1);
    expect(h.started()).toBeUndefined();
    expect(h.logs().at(-1)).toMatchObject({
      level: "error",
      error: expect.stringContaining(unusable),
    });
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

describe("weir serve with a configuration file", () => {
  it("refuses to start, exit 1, logging every problem of a bad file with its line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weir-serve-"));
    const file = join(dir, "weir.yaml");
    writeFileSync(file, "mode: enforced\nroutes:\n  - name: Bad Name\n    match: {}\n");
    const lines: string[] = [];
    const started: string[] = [];
    const code = await runServe(serveConfigSource(new Map([["config", file]]), {}), {
      signals: new EventEmitter(),
      sink: (l) => lines.push(l),
      wiring: {
        loadSignatureSet: async () => loaded,
        compileSignatureSet: async () => compiled(3),
        startExtProc: async () => {
          started.push("started");
          throw new Error("not reached");
        },
      },
    });
    rmSync(dir, { recursive: true });
    expect(code).toBe(1);
    expect(started).toEqual([]);
    const errors = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(errors.map((e) => [e.msg, String(e.error).replace(`${file}:`, "")])).toEqual([
      [
        "configuration invalid; refusing to start",
        "1:7: mode: enforced is not one of enforce, detect (did you mean enforce?)",
      ],
      [
        "configuration invalid; refusing to start",
        "3:11: routes[0].name: Bad Name is not valid: expected 1 to 63 characters of a-z, 0-9, _ and -, other than default (the name of the global policy)",
      ],
      [
        "configuration invalid; refusing to start",
        "4:12: routes[0].match: is empty: set at least one of routeName, host, pathPrefix",
      ],
    ]);
  });

  it("refuses a certificate without its key at the command line (exit 2)", () => {
    expect(() => parseServeArgs(["--tls-cert", "package.json"], {})).toThrow(
      "TLS needs --tls-key (tls.key)",
    );
  });
});
