/**
 * The configuration of `weir serve`: where it listens, which signatures it compiles and how
 * it decides, per route. Built from flags, environment variables and the configuration file
 * (--config), in that order of precedence, over the defaults, and validated in full before
 * anything starts. A flag is the most specific statement (this one invocation), a variable is
 * the deployment's (one pod, one unit file), the file is the shared base (a ConfigMap), so the
 * more specific one wins; a reload re-reads only the file, so flags and variables keep winning.
 */
import { WORKERS } from "../cluster/workers-setting.js";
import {
  checkMessageBudget,
  DEFAULT_MESSAGE_BUDGET,
  type MessageBudget,
} from "../inspect/budget.js";
import { DEFAULT_LIMITS, type InspectionLimits } from "../inspect/limits.js";
import type { LogLevel } from "../log/logger.js";
import { DEFAULT_POLICY, type PolicyConfig } from "../policy/decide.js";
import type { Mode } from "../policy/decision.js";
import type { PolicySet } from "../policy/route-policy.js";
import { DEFAULT_REDACTION, type RedactionOptions } from "../redact/options.js";
import { CACHE_DIR, LOG_LEVEL, MODE, PARANOIA, SIGNATURES, THRESHOLD } from "./common-settings.js";
import { ConfigError } from "./errors.js";
import {
  DEFAULT_EVENTS,
  DEFAULT_TIMING,
  type EventsConfig,
  type FileValues,
  type TimingConfig,
} from "./file/file-values.js";
import { buildPolicySet } from "./file/policies.js";
import type { Listen } from "./listen.js";
import { BUILTIN_SIGNATURES_DIR } from "./package-paths.js";
import {
  type Environment,
  existingFile,
  explicitSetting,
  type FlagValues,
  integerIn,
  listenValue,
  resolveSetting,
  type Setting,
  seconds,
} from "./setting.js";
import { TLS_CERT, TLS_CLIENT_CA, TLS_KEY, type TlsConfig } from "./tls.js";

export type { EventsConfig, TimingConfig } from "./file/file-values.js";

export interface ServeConfig {
  /** Absolute path of the configuration file (--config), or undefined without one. */
  readonly configFile: string | undefined;
  readonly grpcListen: Listen;
  readonly metricsListen: Listen;
  /** Global mode: routes that do not set their own use it. */
  readonly mode: Mode;
  /** Absolute path of the first signature directory (`signaturesDirs` lists all of them). */
  readonly signaturesDir: string;
  /** Absolute signature directories, loaded as one set (ids unique across them). */
  readonly signaturesDirs: readonly string[];
  /** Global paranoia level; the engine compiles up to the highest level any route asks for. */
  readonly paranoia: number;
  /** Compiled-database cache directory; undefined = no cache. */
  readonly cacheDir: string | undefined;
  /** Global request (inbound) threshold. */
  readonly threshold: number;
  /** Global response (outbound) threshold. */
  readonly responseThreshold: number;
  readonly statuses: { readonly block: number; readonly limit: number };
  readonly limits: InspectionLimits;
  /** Ceiling on body bytes in flight across streams (server/inflight-bytes.ts); 0 = none. */
  readonly maxInflightBodyBytes: number;
  /** The per-message time budget (carried for the inspector; see docs/configuration.md). */
  readonly timing: TimingConfig;
  /** Security event options (carried for the event log). */
  readonly events: EventsConfig;
  /** How redacting leakage signatures rewrite response bodies. */
  readonly redaction: RedactionOptions;
  /** TLS on the gRPC listener, or undefined for plain-text HTTP/2. */
  readonly tls: TlsConfig | undefined;
  /** Reload when the configuration file or a signature file changes. */
  readonly watch: boolean;
  /** Route policies: the file's routes and the fallback built from the global values. */
  readonly policies: PolicySet;
  /** grpc-js `grpc.max_receive_message_length` for ProcessingRequest messages. */
  readonly maxReceiveMessageBytes: number;
  readonly logLevel: LogLevel;
  /** After SIGTERM: how long in-flight streams may take to finish before they are cut. */
  readonly drainTimeoutSeconds: number;
  /** Processes serving ext_proc (1: this one; more: a primary and N workers, src/cluster/). */
  readonly workers: number;
}

/** CRS's outbound anomaly threshold. */
export const DEFAULT_RESPONSE_THRESHOLD = 4;

export const CONFIG_FILE: Setting<string | undefined> = {
  flag: "config",
  env: "WEIR_CONFIG",
  valueName: "FILE",
  help:
    "YAML configuration file (docs/configuration.md); flags and variables override its values, " +
    "and it is reloaded on SIGHUP and when it changes",
  defaultText: "none",
  default: () => undefined,
  parse: existingFile("a YAML configuration file"),
};

/**
 * grpc-js alone caps messages at 4 MiB, below what a BUFFERED body can reach once Envoy's
 * buffer limit is raised (contract §2.S); STREAMED chunks are far smaller.
 */
export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Largest value grpc-js accepts for a message size (a signed 32-bit length). */
export const MAX_RECEIVE_MESSAGE_BYTES_LIMIT = 2 ** 31 - 1;

export const GRPC_LISTEN: Setting<Listen> = {
  flag: "grpc-listen",
  env: "WEIR_GRPC_LISTEN",
  valueName: "HOST:PORT",
  help: "address of the ext_proc gRPC server (Envoy's `weir` cluster points here)",
  defaultText: "0.0.0.0:50051",
  default: () => ({ host: "0.0.0.0", port: 50051 }),
  parse: listenValue,
};

export const METRICS_LISTEN: Setting<Listen> = {
  flag: "metrics-listen",
  env: "WEIR_METRICS_LISTEN",
  valueName: "HOST:PORT",
  help: "address of the HTTP listener for /metrics, /healthz and /readyz",
  defaultText: "0.0.0.0:9464",
  default: () => ({ host: "0.0.0.0", port: 9464 }),
  parse: listenValue,
};

export const MAX_RECEIVE_MESSAGE_BYTES: Setting<number> = {
  flag: "max-receive-message-bytes",
  env: "WEIR_MAX_RECEIVE_MESSAGE_BYTES",
  valueName: "BYTES",
  help: "largest ext_proc message accepted; raise it if Envoy buffers bodies (BUFFERED mode)",
  defaultText: String(DEFAULT_MAX_RECEIVE_MESSAGE_BYTES),
  default: () => DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
  parse: integerIn(1024, MAX_RECEIVE_MESSAGE_BYTES_LIMIT),
};

export const DRAIN_TIMEOUT: Setting<number> = {
  flag: "drain-timeout",
  env: "WEIR_DRAIN_TIMEOUT",
  valueName: "SECONDS",
  help: "on SIGTERM, how long open streams may finish before they are cut",
  defaultText: "25",
  default: () => 25,
  parse: seconds(3600),
};

/** In help order. */
export const SERVE_SETTINGS = [
  CONFIG_FILE,
  GRPC_LISTEN,
  METRICS_LISTEN,
  MODE,
  SIGNATURES,
  PARANOIA,
  CACHE_DIR,
  THRESHOLD,
  MAX_RECEIVE_MESSAGE_BYTES,
  LOG_LEVEL,
  DRAIN_TIMEOUT,
  TLS_CERT,
  TLS_KEY,
  TLS_CLIENT_CA,
  WORKERS,
] as const;

/**
 * Resolves every setting: flag, then environment, then `file` (the values of a checked
 * configuration file, fileValues()), then the default. Throws ConfigError for a bad flag or
 * variable, or for TLS settings that do not go together.
 */
export function resolveServeConfig(
  flags: FlagValues,
  env: Environment,
  file?: FileValues,
): ServeConfig {
  const given = <T>(value: T | undefined) => (value === undefined ? undefined : { value });
  const mode = resolveSetting(MODE, flags, env, given(file?.mode));
  const paranoia = resolveSetting(PARANOIA, flags, env, given(file?.paranoia));
  const threshold = resolveSetting(THRESHOLD, flags, env, given(file?.threshold));
  const responseThreshold = file?.responseThreshold ?? DEFAULT_RESPONSE_THRESHOLD;
  const statuses = {
    block: file?.blockStatus ?? DEFAULT_POLICY.blockStatus,
    limit: file?.limitStatus ?? DEFAULT_POLICY.limitStatus,
  };
  const explicitDir = explicitSetting(SIGNATURES, flags, env);
  const signaturesDirs =
    explicitDir !== undefined
      ? [explicitDir.value]
      : (file?.signaturesDirs ?? [BUILTIN_SIGNATURES_DIR]);
  return {
    configFile: resolveSetting(CONFIG_FILE, flags, env),
    grpcListen: resolveSetting(GRPC_LISTEN, flags, env, given(file?.grpcListen)),
    metricsListen: resolveSetting(METRICS_LISTEN, flags, env, given(file?.metricsListen)),
    mode,
    signaturesDir: signaturesDirs[0] ?? BUILTIN_SIGNATURES_DIR,
    signaturesDirs,
    paranoia,
    cacheDir: resolveSetting(CACHE_DIR, flags, env, file?.cacheDir),
    threshold,
    responseThreshold,
    statuses,
    limits: file?.limits ?? DEFAULT_LIMITS,
    maxInflightBodyBytes: file?.maxInflightBodyBytes ?? 0,
    timing: file?.timing ?? DEFAULT_TIMING,
    events: file?.events ?? DEFAULT_EVENTS,
    redaction: file?.redaction ?? DEFAULT_REDACTION,
    tls: resolveTls(flags, env, file),
    watch: file?.watch ?? true,
    policies: buildPolicySet(
      { mode, threshold, responseThreshold, paranoia, statuses },
      file?.policy,
    ),
    maxReceiveMessageBytes: resolveSetting(
      MAX_RECEIVE_MESSAGE_BYTES,
      flags,
      env,
      given(file?.maxReceiveMessageBytes),
    ),
    logLevel: resolveSetting(LOG_LEVEL, flags, env, given(file?.logLevel)),
    drainTimeoutSeconds: resolveSetting(
      DRAIN_TIMEOUT,
      flags,
      env,
      given(file?.drainTimeoutSeconds),
    ),
    workers: resolveSetting(WORKERS, flags, env),
  };
}

function resolveTls(
  flags: FlagValues,
  env: Environment,
  file: FileValues | undefined,
): TlsConfig | undefined {
  const given = (value: string | undefined) => (value === undefined ? undefined : { value });
  const cert = resolveSetting(TLS_CERT, flags, env, given(file?.tlsCert));
  const key = resolveSetting(TLS_KEY, flags, env, given(file?.tlsKey));
  const clientCa = resolveSetting(TLS_CLIENT_CA, flags, env, given(file?.tlsClientCa));
  if (cert === undefined && key === undefined && clientCa === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    const missing = cert === undefined ? "--tls-cert (tls.cert)" : "--tls-key (tls.key)";
    const needs = clientCa !== undefined && cert === undefined ? "a client CA" : "TLS";
    throw new ConfigError(
      "missing_required",
      `${needs} needs ${missing}: set both the certificate and its key`,
    );
  }
  return { files: { cert, key, clientCa }, requireClientCert: clientCa !== undefined };
}

/** The file's `timing` as the inspector's MessageBudget (slice size: the inspector's default). */
export function messageBudgetOf(timing: TimingConfig): MessageBudget {
  return checkMessageBudget({
    ...DEFAULT_MESSAGE_BUDGET,
    budgetMs: timing.messageBudgetMs,
    onExceeded: timing.onBudgetExceeded,
    overrideMessageTimeoutMs: timing.overrideMessageTimeoutMs,
  });
}

/** The policy a serve configuration asks for (status codes keep their defaults). */
export function policyOf(config: {
  readonly mode: Mode;
  readonly threshold: number;
}): PolicyConfig {
  return { ...DEFAULT_POLICY, mode: config.mode, threshold: config.threshold };
}
