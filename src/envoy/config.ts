/**
 * The ext_proc filter settings the client core honours, with Envoy's defaults (contract §1.3,
 * §2.J, §2.K), and their validation. Envoy's own option names are kept in camelCase.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { DEFAULT_SWITCHES, type EnvoyVersion, type Switches, switchesFor } from "./switches.js";
import type { BodyMode, Direction, HeaderList, SendMode } from "./types.js";

export interface ProcessingModeConfig {
  requestHeaderMode: SendMode;
  responseHeaderMode: SendMode;
  requestBodyMode: BodyMode;
  responseBodyMode: BodyMode;
  requestTrailerMode: SendMode;
  responseTrailerMode: SendMode;
}

/** Envoy's `mutation_rules` subset (mutation_rules.cc defaults: everything false). */
export interface MutationRulesConfig {
  /** Allow setting host, :authority, :scheme and :method. */
  allowAllRouting: boolean;
  /** Allow setting and removing x-envoy-* headers. */
  allowEnvoy: boolean;
  /** Refuse changes to any `:`-prefixed header and host. */
  disallowSystem: boolean;
  /** A refused mutation becomes a local reply instead of being ignored. */
  disallowIsError: boolean;
}

/** CEL attributes are not evaluated here: a fixed Struct or one computed from the request headers. */
export type AttributeSource = JsonObject | ((requestHeaders: HeaderList | null) => JsonObject);

export interface ExtProcConfig {
  processingMode: ProcessingModeConfig;
  /** `message_timeout` (default 200 ms; 0 fires at once). */
  messageTimeoutMs: number;
  /** `max_message_timeout`: upper bound for `override_message_timeout`; 0 disables overrides. */
  maxMessageTimeoutMs: number;
  failureModeAllow: boolean;
  /** `status_on_error` [1.36]: status of Envoy's error replies (default 500). */
  statusOnError: number;
  /** `per_connection_buffer_limit_bytes` (default 1 MiB): BUFFERED limit, watermarks. */
  bufferLimitBytes: number;
  allowModeOverride: boolean;
  /**
   * `allowed_override_modes` [1.32]: when not empty, an override is honoured only if the mode
   * it results in equals one of these (request_header_mode aside). Entries are complete modes
   * as Envoy would resolve them (unset fields take Envoy's defaults in resolveConfig).
   */
  allowedOverrideModes: ProcessingModeConfig[];
  disableImmediateResponse: boolean;
  /** `allow_content_length_header` [1.38]: keep content-length where Envoy would strip it. */
  allowContentLengthHeader: boolean;
  mutationRules: MutationRulesConfig;
  /** `metadata_options.receiving_namespaces.untyped`. */
  receivingNamespaces: string[];
  /** Dynamic metadata forwarded in `metadata_context.filter_metadata` (namespace → Struct). */
  forwardingMetadata: Record<string, JsonObject>;
  requestAttributes: AttributeSource | null;
  responseAttributes: AttributeSource | null;
  /** The connection manager's header count limit (default 100). */
  maxHeadersCount: number;
  /** The connection manager's header size limit in KiB (default 60). */
  maxHeadersKb: number;
  /** Graceful close: how long to wait for the server to end the stream (default 1 s). */
  remoteCloseTimeoutMs: number;
  switches: Switches;
}

export type ExtProcConfigInput = Partial<
  Omit<ExtProcConfig, "processingMode" | "mutationRules" | "switches" | "allowedOverrideModes">
> & {
  processingMode?: Partial<ProcessingModeConfig>;
  /** Unset fields of an entry take Envoy's proto defaults (SEND headers, NONE bodies, SKIP trailers). */
  allowedOverrideModes?: Partial<ProcessingModeConfig>[];
  mutationRules?: Partial<MutationRulesConfig>;
  /** Start from this release's switches (default 1.37), then apply `switches`. */
  envoyVersion?: EnvoyVersion;
  switches?: Partial<Switches>;
};

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const BODY_MODES: readonly BodyMode[] = [
  "NONE",
  "STREAMED",
  "BUFFERED",
  "BUFFERED_PARTIAL",
  "FULL_DUPLEX_STREAMED",
];

/** Fills Envoy's defaults in and refuses what Envoy's config validation refuses. */
export function resolveConfig(input: ExtProcConfigInput = {}): ExtProcConfig {
  const mode = input.processingMode ?? {};
  const requestBodyMode = mode.requestBodyMode ?? "NONE";
  const responseBodyMode = mode.responseBodyMode ?? "NONE";
  const processingMode: ProcessingModeConfig = {
    requestHeaderMode: mode.requestHeaderMode ?? "SEND",
    responseHeaderMode: mode.responseHeaderMode ?? "SEND",
    requestBodyMode,
    responseBodyMode,
    requestTrailerMode: trailerMode("request", requestBodyMode, mode.requestTrailerMode),
    responseTrailerMode: trailerMode("response", responseBodyMode, mode.responseTrailerMode),
  };
  const config: ExtProcConfig = {
    processingMode,
    messageTimeoutMs: input.messageTimeoutMs ?? 200,
    maxMessageTimeoutMs: input.maxMessageTimeoutMs ?? 0,
    failureModeAllow: input.failureModeAllow ?? false,
    statusOnError: input.statusOnError ?? 500,
    bufferLimitBytes: input.bufferLimitBytes ?? 1024 * 1024,
    allowModeOverride: input.allowModeOverride ?? false,
    allowedOverrideModes: (input.allowedOverrideModes ?? []).map((m) => ({
      requestHeaderMode: m.requestHeaderMode ?? "SEND",
      responseHeaderMode: m.responseHeaderMode ?? "SEND",
      requestBodyMode: m.requestBodyMode ?? "NONE",
      responseBodyMode: m.responseBodyMode ?? "NONE",
      requestTrailerMode: m.requestTrailerMode ?? "SKIP",
      responseTrailerMode: m.responseTrailerMode ?? "SKIP",
    })),
    disableImmediateResponse: input.disableImmediateResponse ?? false,
    allowContentLengthHeader: input.allowContentLengthHeader ?? false,
    mutationRules: {
      allowAllRouting: false,
      allowEnvoy: false,
      disallowSystem: false,
      disallowIsError: false,
      ...input.mutationRules,
    },
    receivingNamespaces: input.receivingNamespaces ?? [],
    forwardingMetadata: input.forwardingMetadata ?? {},
    requestAttributes: input.requestAttributes ?? null,
    responseAttributes: input.responseAttributes ?? null,
    maxHeadersCount: input.maxHeadersCount ?? 100,
    maxHeadersKb: input.maxHeadersKb ?? 60,
    remoteCloseTimeoutMs: input.remoteCloseTimeoutMs ?? 1000,
    switches: input.envoyVersion
      ? switchesFor(input.envoyVersion, input.switches)
      : { ...DEFAULT_SWITCHES, ...input.switches },
  };
  validate(config);
  return config;
}

/** FULL_DUPLEX_STREAMED needs the trailer mode SEND (config.cc verifyProcessingModeConfig). */
function trailerMode(direction: Direction, body: BodyMode, given: SendMode | undefined): SendMode {
  if (body !== "FULL_DUPLEX_STREAMED") return given ?? "SKIP";
  if (given === "SKIP") {
    throw new ConfigError(
      `processingMode.${direction}TrailerMode: FULL_DUPLEX_STREAMED body mode needs trailer mode SEND, got SKIP`,
    );
  }
  return "SEND";
}

function validate(config: ExtProcConfig): void {
  const mode = config.processingMode;
  for (const [key, value] of [
    ["requestBodyMode", mode.requestBodyMode],
    ["responseBodyMode", mode.responseBodyMode],
  ] as const) {
    if (!BODY_MODES.includes(value)) {
      throw new ConfigError(`processingMode.${key}: unknown body mode ${JSON.stringify(value)}`);
    }
  }
  checkInteger("messageTimeoutMs", config.messageTimeoutMs, 0, 3_600_000);
  checkInteger("maxMessageTimeoutMs", config.maxMessageTimeoutMs, 0, 3_600_000);
  checkInteger("statusOnError", config.statusOnError, 200, 599);
  checkInteger("bufferLimitBytes", config.bufferLimitBytes, 1, Number.MAX_SAFE_INTEGER);
  checkInteger("maxHeadersCount", config.maxHeadersCount, 1, 100_000);
  checkInteger("maxHeadersKb", config.maxHeadersKb, 1, 8192);
  checkInteger("remoteCloseTimeoutMs", config.remoteCloseTimeoutMs, 0, 3_600_000);
}

function checkInteger(key: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key}: must be an integer in [${min}, ${max}], got ${value}`);
  }
}
