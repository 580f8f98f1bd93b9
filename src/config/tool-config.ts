/**
 * The configuration of the offline tools: `weir scan` (one request from a file, decided as
 * `weir serve` would with the same settings) and `weir signatures test` (every signature's
 * samples). They honour the same flags and environment variables as `serve` for the settings
 * they share, so a scan answers for the server as configured.
 */
import type { Mode } from "../policy/decision.js";
import { CACHE_DIR, MODE, PARANOIA, SIGNATURES, THRESHOLD } from "./common-settings.js";
import { type Environment, type FlagValues, resolveSetting } from "./setting.js";

export interface ScanConfig {
  /** The request file, or "-" for standard input. */
  readonly file: string;
  readonly signaturesDir: string;
  readonly paranoia: number;
  /** Compiled-database cache directory; undefined = no cache. */
  readonly cacheDir: string | undefined;
  readonly threshold: number;
  readonly mode: Mode;
  /** Print one JSON object instead of text. */
  readonly json: boolean;
}

export interface SignaturesTestConfig {
  readonly signaturesDir: string;
  readonly json: boolean;
}

export const SCAN_SETTINGS = [SIGNATURES, PARANOIA, CACHE_DIR, THRESHOLD, MODE] as const;
export const SIGNATURES_TEST_SETTINGS = [SIGNATURES] as const;

export function resolveScanConfig(
  file: string,
  json: boolean,
  flags: FlagValues,
  env: Environment,
): ScanConfig {
  return {
    file,
    signaturesDir: resolveSetting(SIGNATURES, flags, env),
    paranoia: resolveSetting(PARANOIA, flags, env),
    cacheDir: resolveSetting(CACHE_DIR, flags, env),
    threshold: resolveSetting(THRESHOLD, flags, env),
    mode: resolveSetting(MODE, flags, env),
    json,
  };
}

export function resolveSignaturesTestConfig(
  json: boolean,
  flags: FlagValues,
  env: Environment,
): SignaturesTestConfig {
  return { signaturesDir: resolveSetting(SIGNATURES, flags, env), json };
}
