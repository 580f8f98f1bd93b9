/**
 * Real weir servers for the shared cases: the built-in signatures compiled once (databases
 * cached under the OS temp directory, so repeated runs do not recompile), one engine per
 * distinct set of limits and rule exclusions, and one ext_proc server per distinct server
 * configuration (mode, limits, exclusions, test hooks), each with one shared gRPC client and an
 * observer that counts inspected bytes, streams, stream errors, budget overruns and tolerated
 * anomalies. Every server runs with a per-message time budget (fail closed, as the product's
 * default), set by the runner in proportion to the simulated Envoy's message_timeout (150 ms
 * of Envoy's 200 ms). Servers are started on first use and reused by every variant that asks
 * for the same settings.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExtProcClient } from "../../src/envoy/index.js";
import type { ExchangeObserver } from "../../src/exchange/observer.js";
import { DEFAULT_MESSAGE_BUDGET, type MessageBudget } from "../../src/inspect/budget.js";
import { type CompiledEngine, compileEngine } from "../../src/inspect/engine.js";
import type { RuleExclusion } from "../../src/inspect/exclusions.js";
import { DEFAULT_LIMITS, type InspectionLimits } from "../../src/inspect/limits.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";
import { type ExtProcServer, fixedRuntime, startExtProcServer } from "../../src/server/index.js";
import type { LimitsObserver } from "../../src/server/limits-observer.js";
import type { LogLevel } from "../../src/server/server-log.js";
import { directoryCache } from "../../src/signatures/database-cache.js";
import { loadSignatures } from "../../src/signatures/load.js";
import type { Signature } from "../../src/signatures/types.js";
import type { CaseConfig } from "../simulator/cases.js";
import { type StallHook, stallingEngine } from "./stalling-engine.js";

/** The built-in set, or $WEIR_CASES_SIGNATURES_DIR (to try the cases against another set). */
const SIGNATURES_DIR =
  process.env.WEIR_CASES_SIGNATURES_DIR ??
  fileURLToPath(new URL("../../signatures/", import.meta.url));
const CACHE_DIR = join(tmpdir(), "weir-shared-cases-databases");
/** The product's default paranoia level (src/config/common-settings.ts). */
const PARANOIA = 1;

/** The server settings a variant's config selects (the simulator settings are separate). */
export interface ServerSettings {
  readonly mode: "enforce" | "detect";
  readonly limits: InspectionLimits;
  readonly exclusions: readonly RuleExclusion[];
  readonly timing: MessageBudget;
  /** Test hook: one body message's inspection stalls (stalling-engine.ts). */
  readonly stall?: StallHook;
}

/** What a variant's notes add to the server (plan.json). */
export interface ServerExtras {
  readonly exclusions?: readonly RuleExclusion[];
  readonly stall?: StallHook;
  /** The time budget (default: the product's, 150 ms of Envoy's 200 ms). */
  readonly timing?: MessageBudget;
}

export function serverSettings(config: CaseConfig, extras: ServerExtras = {}): ServerSettings {
  const d = DEFAULT_LIMITS;
  return {
    mode: config.mode ?? "enforce",
    exclusions: extras.exclusions ?? [],
    timing: extras.timing ?? DEFAULT_MESSAGE_BUDGET,
    ...(extras.stall === undefined ? {} : { stall: extras.stall }),
    limits: {
      ...d,
      ...(config.maxBodyBytes === undefined ? {} : { maxBodyBytes: config.maxBodyBytes }),
      ...(config.inspectionLimitBytes === undefined
        ? {}
        : { inspectionLimitBytes: config.inspectionLimitBytes }),
      inflate:
        config.maxDecompressedBytes === undefined
          ? d.inflate
          : { ...d.inflate, maxDecompressedBytes: config.maxDecompressedBytes },
      decoder:
        config.maxJsonDepth === undefined
          ? d.decoder
          : { ...d.decoder, json: { ...d.decoder.json, maxDepth: config.maxJsonDepth } },
    },
  };
}

/** Counts what the server reports, so a run can read deltas (runs that measure go alone). */
export class CountingObserver implements ExchangeObserver, LimitsObserver {
  requestBytesInspected = 0;
  streamErrors: string[] = [];
  opened = 0;
  closed = 0;
  budgetOverruns = 0;
  timeoutExtensions = 0;
  anomalies = 0;
  inflightBytes = 0;
  streamOpened(): void {
    this.opened++;
  }
  streamClosed(): void {
    this.closed++;
  }
  budgetExceeded(): void {
    this.budgetOverruns++;
  }
  messageTimeoutExtended(): void {
    this.timeoutExtensions++;
  }
  protocolAnomaly(): void {
    this.anomalies++;
  }
  inflightBodyBytes(bytes: number): void {
    this.inflightBytes = bytes;
  }
  streamError(reason: string): void {
    this.streamErrors.push(reason);
  }
  messageProcessed(): void {}
  bytesInspected(direction: "request" | "response", bytes: number): void {
    if (direction === "request") this.requestBytesInspected += bytes;
  }
  decided(): void {}
  redacted(): void {}
  exchangeCompleted(): void {}
}

export interface CaseServer {
  readonly settings: ServerSettings;
  /** One client (one HTTP/2 connection) shared by every exchange on this server. */
  readonly client: ExtProcClient;
  readonly observer: CountingObserver;
  /** error-level lines the server logged (stream failures). */
  readonly errors: string[];
}

interface Running extends CaseServer {
  readonly server: ExtProcServer;
}

export class CaseServers {
  private signatures: Promise<readonly Signature[]> | undefined;
  private readonly engines = new Map<string, CompiledEngine>();
  private readonly servers = new Map<string, Promise<Running>>();

  /** The server for a variant's config and what its notes add (started once). */
  serverFor(config: CaseConfig, extras: ServerExtras = {}): Promise<CaseServer> {
    const settings = serverSettings(config, extras);
    const key = JSON.stringify(settings, infinityAsText);
    let running = this.servers.get(key);
    if (running === undefined) {
      running = this.start(settings);
      this.servers.set(key, running);
    }
    return running;
  }

  async close(): Promise<void> {
    for (const running of this.servers.values()) {
      const { client, server } = await running;
      client.close();
      server.forceClose();
    }
    this.servers.clear();
    for (const engine of this.engines.values()) engine.retire();
    this.engines.clear();
  }

  private async start(settings: ServerSettings): Promise<Running> {
    const compiled = await this.engineFor(settings);
    const engine =
      settings.stall === undefined ? compiled : stallingEngine(compiled, settings.stall);
    const observer = new CountingObserver();
    const errors: string[] = [];
    const server = await startExtProcServer({
      listen: "127.0.0.1:0",
      runtime: fixedRuntime(() => engine, { ...DEFAULT_POLICY, mode: settings.mode }),
      observer,
      limits: observer,
      timing: settings.timing,
      log: (level: LogLevel, event, fields) => {
        if (level === "error") errors.push(`${event} ${JSON.stringify(fields)}`);
      },
    });
    const client = new ExtProcClient(`127.0.0.1:${server.port}`);
    await client.ready();
    return { settings, client, observer, errors, server };
  }

  private async engineFor(settings: ServerSettings): Promise<CompiledEngine> {
    const { limits, exclusions } = settings;
    const key = JSON.stringify({ limits, exclusions }, infinityAsText);
    let engine = this.engines.get(key);
    if (engine === undefined) {
      this.signatures ??= loadBuiltIn();
      const signatures = await this.signatures;
      const cache = directoryCache(CACHE_DIR, () => {});
      engine = compileEngine(signatures, { paranoia: PARANOIA, limits, cache, exclusions });
      this.engines.set(key, engine);
    }
    return engine;
  }
}

async function loadBuiltIn(): Promise<readonly Signature[]> {
  const { signatures, report } = await loadSignatures(SIGNATURES_DIR);
  if (report.failed.length > 0) {
    const first = JSON.stringify(report.failed[0]);
    throw new Error(`built-in signatures: ${report.failed.length} failed to load (${first} ...)`);
  }
  return signatures;
}

function infinityAsText(_key: string, value: unknown): unknown {
  return value === Number.POSITIVE_INFINITY ? "Infinity" : value;
}
