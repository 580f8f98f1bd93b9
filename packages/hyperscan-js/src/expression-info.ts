// Why this exists: library-level calls that need no database: pattern analysis
// (hs_expression_info), the library version and the CPU check.

import { fromNative, HyperscanError } from "./errors.js";
import { type Flag, flagMask } from "./flags.js";
import { addon } from "./load-addon.js";

const UINT_MAX = 0xffffffff;

export interface ExpressionInfo {
  readonly minWidth: number;
  /** Infinity when unbounded. */
  readonly maxWidth: number;
  readonly unorderedMatches: boolean;
  readonly matchesAtEod: boolean;
  readonly matchesOnlyAtEod: boolean;
}

/** hs_expression_info; an invalid pattern throws HyperscanError HS_COMPILER_ERROR. */
export function expressionInfo(pattern: string, flags?: readonly Flag[]): ExpressionInfo {
  const where = "expressionInfo";
  if (typeof pattern !== "string" || pattern.includes("\0")) {
    throw new HyperscanError(
      "HS_COMPILER_ERROR",
      `${where}: pattern must be a string without NUL characters (write \\x00)`,
    );
  }
  const mask = flagMask(flags, where);
  try {
    const info = addon.expressionInfo(pattern, mask);
    return {
      minWidth: info.minWidth,
      maxWidth: info.maxWidth === UINT_MAX ? Number.POSITIVE_INFINITY : info.maxWidth,
      unorderedMatches: info.unorderedMatches,
      matchesAtEod: info.matchesAtEod,
      matchesOnlyAtEod: info.matchesOnlyAtEod,
    };
  } catch (error: unknown) {
    throw fromNative(error, where);
  }
}

/** hs_version(), e.g. "5.4.9" (surrounding whitespace trimmed). */
export function version(): string {
  return addon.version().trim();
}

/** hs_valid_platform() === HS_SUCCESS. (Loading the package already fails when it is not.) */
export function validPlatform(): boolean {
  return addon.validPlatform();
}
