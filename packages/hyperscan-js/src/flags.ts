// Why this exists: the facade names Hyperscan's per-expression flags and compile modes; this is
// the one place that turns those names into the bit values from hs_compile.h.

import { HyperscanError } from "./errors.js";

export type Flag =
  | "caseless"
  | "dotall"
  | "multiline"
  | "singlematch"
  | "allowempty"
  | "utf8"
  | "ucp"
  | "prefilter"
  | "somLeftmost";

export type Mode = "block" | "stream";

export type SomHorizon = "small" | "medium" | "large";

/** HS_FLAG_* from hs_compile.h (Vectorscan 5.4.9). */
const FLAG_BITS: Readonly<Record<Flag, number>> = {
  caseless: 1,
  dotall: 2,
  multiline: 4,
  singlematch: 8,
  allowempty: 16,
  utf8: 32,
  ucp: 64,
  prefilter: 128,
  somLeftmost: 256,
};

/** HS_MODE_BLOCK / HS_MODE_STREAM. */
const MODE_BITS: Readonly<Record<Mode, number>> = { block: 1, stream: 2 };

/** HS_MODE_SOM_HORIZON_*; Hyperscan accepts these only in stream mode. */
const SOM_HORIZON_BITS: Readonly<Record<SomHorizon, number>> = {
  large: 1 << 24,
  medium: 1 << 25,
  small: 1 << 26,
};

/** ORs the flags; an unknown name throws HS_COMPILER_ERROR naming `expressionIndex`. */
export function flagMask(
  flags: readonly Flag[] | undefined,
  where: string,
  expressionIndex?: number,
): number {
  let mask = 0;
  for (const flag of flags ?? []) {
    const bit = Object.hasOwn(FLAG_BITS, flag) ? FLAG_BITS[flag] : undefined;
    if (bit === undefined) {
      const at = expressionIndex === undefined ? "" : ` expression ${expressionIndex}:`;
      throw new HyperscanError(
        "HS_COMPILER_ERROR",
        `${where}:${at} unknown flag ${JSON.stringify(flag)} (known: ${Object.keys(FLAG_BITS).join(", ")})`,
        { expressionIndex },
      );
    }
    mask |= bit;
  }
  return mask;
}

/** The hs_compile mode word; SOM horizon bits only when a stream database needs them. */
export function modeBits(
  mode: Mode,
  usesSom: boolean,
  somHorizon: SomHorizon,
  where: string,
): number {
  const base = Object.hasOwn(MODE_BITS, mode) ? MODE_BITS[mode] : undefined;
  if (base === undefined) {
    throw new HyperscanError(
      "HS_INVALID",
      `${where}: mode must be "block" or "stream", got ${JSON.stringify(mode)}`,
    );
  }
  const horizon = Object.hasOwn(SOM_HORIZON_BITS, somHorizon)
    ? SOM_HORIZON_BITS[somHorizon]
    : undefined;
  if (horizon === undefined) {
    throw new HyperscanError(
      "HS_INVALID",
      `${where}: somHorizon must be "small", "medium" or "large", got ${JSON.stringify(somHorizon)}`,
    );
  }
  return mode === "stream" && usesSom ? base | horizon : base;
}

export function usesSomLeftmost(flags: readonly Flag[] | undefined): boolean {
  return flags?.includes("somLeftmost") ?? false;
}
