/**
 * One configurable setting: its flag, its environment variable, its default and how its text
 * is parsed. Commands resolve settings in one order (flag, then environment, then the
 * configuration file for `weir serve`, then default), and help text and docs/configuration.md
 * are written from the same definitions.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "./errors.js";
import { type Listen, ListenSyntaxError, parseListen } from "./listen.js";

export interface Setting<T> {
  /** Flag name without dashes: `grpc-listen`. */
  readonly flag: string;
  /** Environment variable, or undefined for flag-only settings. */
  readonly env?: string;
  /** Placeholder in help text: HOST:PORT, DIR, N. */
  readonly valueName: string;
  readonly help: string;
  /** Shown in help; undefined means the setting is required. */
  readonly defaultText?: string;
  readonly default?: () => T;
  /** Parses text; throws ConfigError.invalidValue naming `source` (the flag or variable). */
  readonly parse: (text: string, source: string) => T;
}

/** Flag values as parsed from argv (flag name without dashes → raw text). */
export type FlagValues = ReadonlyMap<string, string>;
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Flag first, then environment (an empty variable counts as unset), then the configuration
 * file's value (`fromFile`, already checked by the file's schema), then the default.
 */
export function resolveSetting<T>(
  setting: Setting<T>,
  flags: FlagValues,
  env: Environment,
  fromFile?: { readonly value: T },
): T {
  const explicit = explicitSetting(setting, flags, env);
  if (explicit !== undefined) return explicit.value;
  if (fromFile !== undefined) return fromFile.value;
  if (setting.default !== undefined) return setting.default();
  const where = setting.env === undefined ? "" : ` (or set ${setting.env})`;
  throw new ConfigError(
    "missing_required",
    `--${setting.flag} ${setting.valueName} is required${where}`,
  );
}

/** The value given by flag or environment variable, or undefined when neither is set. */
export function explicitSetting<T>(
  setting: Setting<T>,
  flags: FlagValues,
  env: Environment,
): { readonly value: T; readonly source: string } | undefined {
  const fromFlag = flags.get(setting.flag);
  if (fromFlag !== undefined) {
    const source = `--${setting.flag}`;
    return { value: setting.parse(fromFlag, source), source };
  }
  const fromEnv = setting.env === undefined ? undefined : env[setting.env];
  if (setting.env !== undefined && fromEnv !== undefined && fromEnv !== "") {
    return { value: setting.parse(fromEnv, setting.env), source: setting.env };
  }
  return undefined;
}

export function listenValue(text: string, source: string): Listen {
  try {
    return parseListen(text);
  } catch (error: unknown) {
    if (!(error instanceof ListenSyntaxError)) throw error;
    throw ConfigError.invalidValue(
      source,
      text,
      "HOST:PORT, e.g. 0.0.0.0:50051, localhost:9464 or [::1]:50051",
      error.message,
    );
  }
}

export function oneOf<const T extends string>(choices: readonly T[]) {
  return (text: string, source: string): T => {
    const found = choices.find((c) => c === text);
    if (found === undefined) throw ConfigError.invalidValue(source, text, choicesText(choices));
    return found;
  };
}

export function choicesText(choices: readonly string[]): string {
  if (choices.length <= 1) return choices.join("");
  return `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`;
}

/** A whole number in [min, max], written in decimal digits only. */
export function integerIn(min: number, max: number) {
  return (text: string, source: string): number => {
    const expected = `a whole number from ${min} to ${max}`;
    if (!/^[0-9]+$/.test(text)) throw ConfigError.invalidValue(source, text, expected);
    const value = Number(text);
    if (value < min || value > max) throw ConfigError.invalidValue(source, text, expected);
    return value;
  };
}

/** A non-negative number of seconds, decimals allowed (`30`, `0.5`). */
export function seconds(max: number) {
  return (text: string, source: string): number => {
    const expected = `a number of seconds from 0 to ${max}`;
    if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) throw ConfigError.invalidValue(source, text, expected);
    const value = Number(text);
    if (value > max) throw ConfigError.invalidValue(source, text, expected);
    return value;
  };
}

/** An existing directory, returned as an absolute path (relative paths are from the cwd). */
export function directory(text: string, source: string): string {
  const path = resolve(text);
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error: unknown) {
    const code = (error as { code?: unknown }).code;
    const reason = code === "ENOENT" ? "it does not exist" : `cannot read it: ${String(code)}`;
    throw ConfigError.invalidValue(source, text, "a directory of signature files", reason);
  }
  if (!isDirectory) {
    throw ConfigError.invalidValue(
      source,
      text,
      "a directory of signature files",
      "not a directory",
    );
  }
  return path;
}

/** An existing regular file, returned as an absolute path (relative paths are from the cwd). */
export function existingFile(what: string) {
  return (text: string, source: string): string => {
    const path = resolve(text);
    let reason: string | undefined;
    try {
      if (!statSync(path).isFile()) reason = "not a regular file";
    } catch (error: unknown) {
      const code = (error as { code?: unknown }).code;
      reason = code === "ENOENT" ? "it does not exist" : `cannot read it: ${String(code)}`;
    }
    if (reason !== undefined) throw ConfigError.invalidValue(source, text, what, reason);
    return path;
  };
}

/** An http:// origin: scheme, host and optional port, no path or query (weir proxy's upstream). */
export function httpOrigin(text: string, source: string): URL {
  const expected = "an http:// URL with host and port only, e.g. http://127.0.0.1:3000";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw ConfigError.invalidValue(source, text, expected, "not a URL");
  }
  if (url.protocol !== "http:") {
    throw ConfigError.invalidValue(
      source,
      text,
      expected,
      `scheme ${url.protocol} is not supported`,
    );
  }
  if (url.hostname === "") throw ConfigError.invalidValue(source, text, expected, "no host");
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    throw ConfigError.invalidValue(source, text, expected, "it has a path or query");
  }
  if (url.username !== "" || url.password !== "") {
    throw ConfigError.invalidValue(source, text, expected, "it has credentials");
  }
  return url;
}

/**
 * A directory weir may create, or "off": an existing non-directory is refused so a typo
 * pointing at a file is caught at start rather than logged on every compile.
 */
export function cacheDirectory(text: string, source: string): string | undefined {
  if (text === "off") return undefined;
  const path = resolve(text);
  let exists = false;
  let isDirectory = false;
  try {
    const stat = statSync(path);
    exists = true;
    isDirectory = stat.isDirectory();
  } catch {
    // Missing: created on first write.
  }
  if (exists && !isDirectory) {
    throw ConfigError.invalidValue(
      source,
      text,
      'a directory (created when missing) or "off"',
      "exists and is not a directory",
    );
  }
  return path;
}
