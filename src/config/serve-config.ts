/**
 * The configuration of `weir serve`: where it listens, which signatures it compiles and how
 * it decides. Built from flags and environment variables (flags win) and validated in full
 * before anything starts.
 */
import type { LogLevel } from "../log/logger.js";
import { DEFAULT_POLICY, type PolicyConfig } from "../policy/decide.js";
import type { Mode } from "../policy/decision.js";
import { CACHE_DIR, LOG_LEVEL, MODE, PARANOIA, SIGNATURES, THRESHOLD } from "./common-settings.js";
import type { Listen } from "./listen.js";
import {
  type Environment,
  type FlagValues,
  integerIn,
  listenValue,
  resolveSetting,
  type Setting,
  seconds,
} from "./setting.js";

export interface ServeConfig {
  readonly grpcListen: Listen;
  readonly metricsListen: Listen;
  readonly mode: Mode;
  /** Absolute path of the signature directory. */
  readonly signaturesDir: string;
  readonly paranoia: number;
  /** Compiled-database cache directory; undefined = no cache. */
  readonly cacheDir: string | undefined;
  readonly threshold: number;
  /** grpc-js `grpc.max_receive_message_length` for ProcessingRequest messages. */
  readonly maxReceiveMessageBytes: number;
  readonly logLevel: LogLevel;
  /** After SIGTERM: how long in-flight streams may take to finish before they are cut. */
  readonly drainTimeoutSeconds: number;
}

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
] as const;

export function resolveServeConfig(flags: FlagValues, env: Environment): ServeConfig {
  return {
    grpcListen: resolveSetting(GRPC_LISTEN, flags, env),
    metricsListen: resolveSetting(METRICS_LISTEN, flags, env),
    mode: resolveSetting(MODE, flags, env),
    signaturesDir: resolveSetting(SIGNATURES, flags, env),
    paranoia: resolveSetting(PARANOIA, flags, env),
    cacheDir: resolveSetting(CACHE_DIR, flags, env),
    threshold: resolveSetting(THRESHOLD, flags, env),
    maxReceiveMessageBytes: resolveSetting(MAX_RECEIVE_MESSAGE_BYTES, flags, env),
    logLevel: resolveSetting(LOG_LEVEL, flags, env),
    drainTimeoutSeconds: resolveSetting(DRAIN_TIMEOUT, flags, env),
  };
}

/** The policy a serve configuration asks for (status codes keep their defaults). */
export function policyOf(config: {
  readonly mode: Mode;
  readonly threshold: number;
}): PolicyConfig {
  return { ...DEFAULT_POLICY, mode: config.mode, threshold: config.threshold };
}
