/**
 * `weir serve --workers 2` as a real child process on loopback: the primary forks two workers
 * that share the gRPC port, serves their metrics aggregated on one listener, restarts a worker
 * that dies (counted in weir_worker_restarts_total), and drains both on SIGTERM. Exchanges are
 * played over separate HTTP/2 connections, which the primary hands to the workers in turn; that
 * both workers served some is shown by killing one: the aggregated count drops by its share.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benignBody } from "../../bench/harness/benign-bodies.js";
import { type ExchangePlan, runExchange } from "../../bench/load/exchange.js";
import { requestBodyMessage, requestHeadersMessage } from "../../bench/load/messages.js";
import { sample, startWeirCluster, type WeirCluster } from "./weir-cluster.js";

const START_TIMEOUT_MS = 120_000;
/** Connections opened one after another; with two workers each gets half of them. */
const CONNECTIONS = 6;

function plan(): ExchangePlan {
  const body = benignBody("json", 1024, 1);
  const chunk = requestBodyMessage(body, true);
  return {
    headers: requestHeadersMessage("json", body.length, false),
    chunk: () => chunk,
    chunks: 1,
    inFlight: 1,
  };
}

async function exchangeOnNewConnection(target: string): Promise<string> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
  });
  try {
    const result = await runExchange(client, plan(), () => {});
    return result.outcome;
  } finally {
    client.close();
  }
}

async function metrics(base: string): Promise<string> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  return await response.text();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("weir serve --workers 2", () => {
  let weir: WeirCluster;
  let base: string;
  let target: string;
  let pids: number[];

  beforeAll(async () => {
    weir = startWeirCluster([
      ...["--workers", "2", "--grpc-listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"],
      ...["--drain-timeout", "2"],
    ]);
    const serving = await weir.line("weir cluster serving", START_TIMEOUT_MS);
    base = `http://${String(serving.metrics_listen)}`;
    target = String(serving.grpc_listen);
    pids = (serving.pids as unknown[]).map(Number);
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await weir?.stop();
  });

  it("is ready once both workers are, with the signature set reported once", async () => {
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(2);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const text = await metrics(base);
    expect(sample(text, 'weir_workers{state="ready"}')).toBe(2);
    const info = text.split("\n").filter((l) => l.startsWith("weir_engine_info{"));
    expect(info).toHaveLength(1);
    expect(info[0]?.endsWith(" 1")).toBe(true);
  });

  it(
    "sums both workers' counts, restarts a killed worker and counts the restart",
    async () => {
      for (let i = 0; i < CONNECTIONS; i++) {
        expect(await exchangeOnNewConnection(target)).toBe("completed");
      }
      // A worker counts an exchange when its stream closes, just after the client's last answer.
      const allowed = 'weir_exchanges_total{route="default",decision="allow"}';
      const before = await until(
        "every exchange to be counted",
        async () => {
          const count = sample(await metrics(base), allowed);
          return count === CONNECTIONS ? count : undefined;
        },
        10_000,
      );
      expect(before).toBe(CONNECTIONS);

      const victim = pids[0] as number;
      process.kill(victim, "SIGKILL");
      const restarted = await weir.line(
        "worker started",
        30_000,
        (l) => l.pid !== victim && !pids.includes(Number(l.pid)),
      );
      await until(
        "the restarted worker to be ready",
        async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined),
        START_TIMEOUT_MS,
      );
      const after = await metrics(base);
      expect(sample(after, "weir_worker_restarts_total")).toBe(1);
      expect(sample(after, 'weir_workers{state="ready"}')).toBe(2);
      // The killed worker's counts went with it: what is left is the other worker's share alone.
      const left = sample(after, allowed) ?? Number.NaN;
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(CONNECTIONS);
      expect(Number(restarted.worker)).toBe(1);

      // The restarted worker serves: every new connection completes its exchange.
      for (let i = 0; i < 2; i++) expect(await exchangeOnNewConnection(target)).toBe("completed");
    },
    START_TIMEOUT_MS + 30_000,
  );

  it("drains every worker on SIGTERM and exits 0", async () => {
    const live = weir.lines
      .filter((l) => l.msg === "worker started")
      .map((l) => Number(l.pid))
      .filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
    expect(live).toHaveLength(2);
    weir.child.kill("SIGTERM");
    expect(await weir.exited).toBe(0);
    expect(weir.lines.filter((l) => l.msg === "worker stopped")).toHaveLength(2);
    for (const pid of live) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});

describe("weir serve --workers 2 with an unusable signature set", () => {
  it("exits 1 once a worker refuses to start, without restarting it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weir-cluster-"));
    writeFileSync(join(dir, "broken.yaml"), "signatures: [unclosed\n");
    const weir = startWeirCluster([
      ...["--workers", "2", "--grpc-listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"],
      ...["--signatures", dir, "--cache-dir", "off"],
    ]);
    try {
      expect(await weir.exited).toBe(1);
      expect(weir.lines.some((l) => l.msg === "a worker failed to start; stopping")).toBe(true);
      expect(weir.lines.filter((l) => l.msg === "worker started").length).toBeLessThanOrEqual(2);
    } finally {
      await weir.stop();
    }
  }, 60_000);
});
