/**
 * weir's server and proxy started in this process from their exported functions, for the
 * end-to-end tests that need both modes but can do without the executable (sqlmap.test.ts
 * runs the real `weir` binary). The built-in signature set is compiled once and shared by a
 * detect-mode and an enforce-mode server, each with its own proxy in front of `upstreamPort`.
 */
import { fileURLToPath } from "node:url";
import { NOOP_OBSERVER } from "../../src/exchange/observer.js";
import { compileEngine } from "../../src/inspect/engine.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";
import type { Mode } from "../../src/policy/decision.js";
import { startProxy } from "../../src/proxy/index.js";
import { fixedRuntime, startExtProcServer } from "../../src/server/index.js";
import { loadSignatures } from "../../src/signatures/load.js";

const SIGNATURES_DIR = fileURLToPath(new URL("../../signatures/", import.meta.url));
const LOOPBACK = "127.0.0.1";

export interface InProcessWeir {
  /** Proxy base URL per mode, e.g. http://127.0.0.1:41234. */
  readonly proxyUrl: Readonly<Record<Mode, string>>;
  stop(): Promise<void>;
}

export async function startInProcessWeir(upstreamPort: number): Promise<InProcessWeir> {
  const { signatures, report } = await loadSignatures(SIGNATURES_DIR);
  if (report.failed.length > 0) {
    throw new Error(`built-in signatures failed to load: ${JSON.stringify(report.failed)}`);
  }
  const engine = compileEngine(signatures, { paranoia: 1 });
  const stops: (() => Promise<void> | void)[] = [() => engine.retire()];
  const proxyUrl: Partial<Record<Mode, string>> = {};
  try {
    for (const mode of ["detect", "enforce"] as const) {
      const server = await startExtProcServer({
        listen: `${LOOPBACK}:0`,
        runtime: fixedRuntime(() => engine, { ...DEFAULT_POLICY, mode }),
        observer: NOOP_OBSERVER,
        drainTimeoutMs: 1000,
        log: () => {},
      });
      stops.unshift(() => server.drain());
      server.setServing(true);
      const proxy = await startProxy({
        listen: `${LOOPBACK}:0`,
        upstream: `http://${LOOPBACK}:${upstreamPort}`,
        weir: `${LOOPBACK}:${server.port}`,
      });
      stops.unshift(() => proxy.close());
      proxyUrl[mode] = `http://${LOOPBACK}:${proxy.port}`;
    }
  } catch (error: unknown) {
    await stopAll(stops);
    throw error;
  }
  const urls = { detect: proxyUrl.detect ?? "", enforce: proxyUrl.enforce ?? "" };
  return { proxyUrl: urls, stop: () => stopAll(stops) };
}

async function stopAll(stops: readonly (() => Promise<void> | void)[]): Promise<void> {
  for (const stop of stops) await stop();
}
