/**
 * The few statistics the benchmarks report: medians of repetitions, latency percentiles, and
 * the interleaving of repetitions. Interleaving (A1 B1 A2 B2 ...) rather than A1 A2 B1 B2 keeps
 * a slow phase of the shared, noisy machine from landing on one side of a ratio only.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** Nearest-rank percentile (p in 0-100) of already sorted values. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function minMax(values: readonly number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

/** A measurement that can be repeated; each call returns that repetition's value. */
export interface Contender<T> {
  readonly name: string;
  run(repetition: number): Promise<T>;
}

/**
 * Runs every contender `warmups` times (results dropped), then `repetitions` rounds in which
 * each contender runs once, in turn. Returns the kept results per contender name.
 */
export async function interleaved<T>(
  contenders: readonly Contender<T>[],
  warmups: number,
  repetitions: number,
): Promise<Map<string, T[]>> {
  for (let w = 0; w < warmups; w++) for (const c of contenders) await c.run(-1 - w);
  const results = new Map<string, T[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < repetitions; r++) {
    for (const c of contenders) results.get(c.name)?.push(await c.run(r));
  }
  return results;
}

/** Rounds for tables: 3 significant digits, thousands grouped. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value === 0) return "0";
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}
