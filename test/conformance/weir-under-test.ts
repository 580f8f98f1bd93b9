/**
 * The real weir under the conformance suite: the built-in signatures compiled once (databases
 * cached under the OS temp directory), one ext_proc server per policy mode, a shared simulator
 * client per server, and a raw grpc-js harness on the same engine for the rules the simulator
 * cannot express (observability mode, body before the header answer, protocol violations).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExtProcClient } from "../../src/envoy/index.js";
import { type CompiledEngine, compileEngine } from "../../src/inspect/engine.js";
import type { Mode } from "../../src/policy/decision.js";
import { directoryCache } from "../../src/signatures/database-cache.js";
import { loadSignatures } from "../../src/signatures/load.js";
import type { Signature } from "../../src/signatures/types.js";
import { Harness } from "../server/grpc-harness.js";

const SIGNATURES_DIR = fileURLToPath(new URL("../../signatures/", import.meta.url));
const FIXTURE_SIGNATURES_DIR = fileURLToPath(
  new URL("../fixtures/conformance/signatures/", import.meta.url),
);
const CACHE_DIR = join(tmpdir(), "weir-conformance-databases");

export interface WeirUnderTest {
  readonly engine: CompiledEngine;
  /** Simulator client per policy mode (one HTTP/2 connection each). */
  readonly client: Readonly<Record<Mode, ExtProcClient>>;
  /** Raw grpc-js harness per policy mode, on the same engine. */
  readonly raw: Readonly<Record<Mode, Harness>>;
  stop(): void;
}

export async function startWeirUnderTest(): Promise<WeirUnderTest> {
  const signatures = [
    ...(await loadChecked(SIGNATURES_DIR)),
    ...(await loadChecked(FIXTURE_SIGNATURES_DIR)),
  ];
  const engine = compileEngine(signatures, {
    paranoia: 1,
    cache: directoryCache(CACHE_DIR, () => {}),
  });
  const raw: Partial<Record<Mode, Harness>> = {};
  const client: Partial<Record<Mode, ExtProcClient>> = {};
  for (const mode of ["enforce", "detect"] as const) {
    const harness = await Harness.start({ engine: () => engine, policy: { mode } });
    raw[mode] = harness;
    client[mode] = new ExtProcClient(harness.target);
    await client[mode].ready();
  }
  const clients = client as Record<Mode, ExtProcClient>;
  const harnesses = raw as Record<Mode, Harness>;
  return {
    engine,
    client: clients,
    raw: harnesses,
    stop() {
      for (const mode of ["enforce", "detect"] as const) {
        clients[mode].close();
        harnesses[mode].close();
      }
      engine.retire();
    },
  };
}

async function loadChecked(dir: string): Promise<readonly Signature[]> {
  const { signatures, report } = await loadSignatures(dir);
  if (report.failed.length > 0) {
    throw new Error(`signatures in ${dir}: ${JSON.stringify(report.failed[0])} failed to load`);
  }
  return signatures;
}
