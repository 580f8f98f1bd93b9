/**
 * Loads the whole serve configuration: flags and environment over the configuration file (if
 * --config or WEIR_CONFIG names one) over the defaults. `weir serve` calls it at start and on
 * every reload; the flags and the environment are those of the process, fixed for its life, so
 * a reload re-reads only the file. Every problem comes back as a ConfigProblem (file, line,
 * path, plain words), never thrown, so serve can log them all and refuse or keep the old one.
 */
import { CACHE_DIR, LOG_LEVEL, MODE, PARANOIA, SIGNATURES, THRESHOLD } from "./common-settings.js";
import { ConfigError } from "./errors.js";
import { type FileValues, fileValues } from "./file/file-values.js";
import { type ConfigFile, loadConfigFile } from "./file/load-config-file.js";
import type { ConfigProblem } from "./file/problems.js";
import { type SignatureRef, signatureRefs } from "./file/signature-refs.js";
import {
  CONFIG_FILE,
  DRAIN_TIMEOUT,
  GRPC_LISTEN,
  MAX_RECEIVE_MESSAGE_BYTES,
  METRICS_LISTEN,
  resolveServeConfig,
  type ServeConfig,
} from "./serve-config.js";
import { type Environment, explicitSetting, type FlagValues, type Setting } from "./setting.js";
import { TLS_CERT, TLS_CLIENT_CA, TLS_KEY } from "./tls.js";

export type ServeConfigLoad =
  | {
      readonly ok: true;
      readonly config: ServeConfig;
      /** The checked file, when there is one. */
      readonly file: ConfigFile | undefined;
      /** Signature ids the file's exclusions name, to check once the set is loaded. */
      readonly signatureRefs: readonly SignatureRef[];
      /** File keys that a flag or variable overrides: `mode (WEIR_MODE)`. */
      readonly overridden: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** Where serve gets its configuration, at start and again on each reload. */
export interface ServeConfigSource {
  /** Absolute path of the configuration file, if any. */
  readonly configFile: string | undefined;
  load(): Promise<ServeConfigLoad>;
}

/** The source of a `weir serve` command line. */
export function serveConfigSource(flags: FlagValues, env: Environment): ServeConfigSource {
  const configFile = explicitSetting(CONFIG_FILE, flags, env)?.value;
  return { configFile, load: () => loadServeConfig(flags, env) };
}

/** A configuration that never changes (tests, and callers with no file). */
export function fixedConfigSource(config: ServeConfig): ServeConfigSource {
  const load: ServeConfigLoad = {
    ok: true,
    config,
    file: undefined,
    signatureRefs: [],
    overridden: [],
  };
  return { configFile: config.configFile, load: async () => load };
}

export async function loadServeConfig(
  flags: FlagValues,
  env: Environment,
): Promise<ServeConfigLoad> {
  let path: string | undefined;
  try {
    path = explicitSetting(CONFIG_FILE, flags, env)?.value;
  } catch (error: unknown) {
    return commandLineProblem(error);
  }
  let file: ConfigFile | undefined;
  let values: FileValues | undefined;
  if (path !== undefined) {
    const loaded = await loadConfigFile(path);
    if (!loaded.ok) return { ok: false, problems: loaded.problems };
    file = loaded.file;
    values = fileValues(file);
  }
  let config: ServeConfig;
  try {
    config = resolveServeConfig(flags, env, values);
  } catch (error: unknown) {
    return commandLineProblem(error);
  }
  return {
    ok: true,
    config,
    file,
    signatureRefs: file === undefined ? [] : signatureRefs(file),
    overridden: file === undefined ? [] : overriddenKeys(file, flags, env),
  };
}

/** The file alone, as `weir config check` judges it: no flags, no environment. */
export async function loadFileConfig(path: string): Promise<ServeConfigLoad> {
  const loaded = await loadConfigFile(path);
  if (!loaded.ok) return { ok: false, problems: loaded.problems };
  const { file } = loaded;
  let config: ServeConfig;
  try {
    config = { ...resolveServeConfig(new Map(), {}, fileValues(file)), configFile: file.path };
  } catch (error: unknown) {
    return commandLineProblem(error);
  }
  return { ok: true, config, file, signatureRefs: signatureRefs(file), overridden: [] };
}

function commandLineProblem(error: unknown): ServeConfigLoad {
  if (!(error instanceof ConfigError)) throw error;
  return {
    ok: false,
    problems: [{ file: "command line", line: 0, column: 0, path: "", message: error.message }],
  };
}

/** File keys and the setting that overrides each. */
const OVERRIDABLE: readonly (readonly [readonly string[], Setting<unknown>])[] = [
  [["listeners", "grpc", "address"], GRPC_LISTEN],
  [["listeners", "grpc", "maxReceiveMessageBytes"], MAX_RECEIVE_MESSAGE_BYTES],
  [["listeners", "grpc", "drainTimeoutSeconds"], DRAIN_TIMEOUT],
  [["listeners", "metrics", "address"], METRICS_LISTEN],
  [["mode"], MODE],
  [["signatures"], SIGNATURES],
  [["paranoia"], PARANOIA],
  [["thresholds", "inbound"], THRESHOLD],
  [["cacheDir"], CACHE_DIR],
  [["logLevel"], LOG_LEVEL],
  [["tls", "cert"], TLS_CERT],
  [["tls", "key"], TLS_KEY],
  [["tls", "clientCa"], TLS_CLIENT_CA],
];

function overriddenKeys(file: ConfigFile, flags: FlagValues, env: Environment): string[] {
  const out: string[] = [];
  for (const [path, setting] of OVERRIDABLE) {
    if (valueAt(file.document, path) === undefined) continue;
    const source = explicitSetting(setting, flags, env)?.source;
    if (source !== undefined) out.push(`${path.join(".")} (${source})`);
  }
  return out;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
