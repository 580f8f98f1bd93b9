/**
 * Settings shared by several commands: the signature set, how it is compiled (paranoia), how
 * matches become decisions (mode, threshold), and the log level. Defaults for the policy come
 * from the policy module so there is one source for them.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOG_LEVELS, type LogLevel } from "../log/logger.js";
import { DEFAULT_POLICY } from "../policy/decide.js";
import type { Mode } from "../policy/decision.js";
import { BUILTIN_SIGNATURES_DIR } from "./package-paths.js";
import {
  cacheDirectory,
  choicesText,
  directory,
  integerIn,
  oneOf,
  type Setting,
} from "./setting.js";

export const MODES = ["enforce", "detect"] as const satisfies readonly Mode[];
export const MAX_PARANOIA = 4;
export const MAX_THRESHOLD = 10_000;

export const MODE: Setting<Mode> = {
  flag: "mode",
  env: "WEIR_MODE",
  valueName: "MODE",
  help: `${choicesText(MODES)}: enforce blocks at the threshold, detect only logs and counts`,
  defaultText: DEFAULT_POLICY.mode,
  default: () => DEFAULT_POLICY.mode,
  parse: oneOf(MODES),
};

export const SIGNATURES: Setting<string> = {
  flag: "signatures",
  env: "WEIR_SIGNATURES",
  valueName: "DIR",
  help: "directory of signature files (*.yaml)",
  defaultText: "the built-in set, the package's signatures/ folder",
  default: () => BUILTIN_SIGNATURES_DIR,
  parse: directory,
};

export const PARANOIA: Setting<number> = {
  flag: "paranoia",
  env: "WEIR_PARANOIA",
  valueName: "N",
  help: `paranoia level 1-${MAX_PARANOIA}: signatures above it are not compiled`,
  defaultText: "1",
  default: () => 1,
  parse: integerIn(1, MAX_PARANOIA),
};

export const THRESHOLD: Setting<number> = {
  flag: "threshold",
  env: "WEIR_THRESHOLD",
  valueName: "N",
  help: "anomaly score at which a direction is blocked (critical 5, error 4, warning 3, notice 2)",
  defaultText: String(DEFAULT_POLICY.threshold),
  default: () => DEFAULT_POLICY.threshold,
  parse: integerIn(1, MAX_THRESHOLD),
};

export const LOG_LEVEL: Setting<LogLevel> = {
  flag: "log-level",
  env: "WEIR_LOG_LEVEL",
  valueName: "LEVEL",
  help: `least severe level logged: ${choicesText(LOG_LEVELS)}`,
  defaultText: "info",
  default: () => "info",
  parse: oneOf(LOG_LEVELS),
};

/** $TMPDIR/weir-cache (TMPDIR as Node's os.tmpdir() reads it). */
export const DEFAULT_CACHE_DIR = join(tmpdir(), "weir-cache");

/** Where compiled databases are cached between runs; "off" compiles every time. */
export const CACHE_DIR: Setting<string | undefined> = {
  flag: "cache-dir",
  env: "WEIR_CACHE_DIR",
  valueName: "DIR",
  help: 'compiled-database cache (keyed by the signatures and Hyperscan version); "off" disables it',
  defaultText: DEFAULT_CACHE_DIR,
  default: () => DEFAULT_CACHE_DIR,
  parse: cacheDirectory,
};
