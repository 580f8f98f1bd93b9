/**
 * Reads weir's /metrics (Prometheus text format) for the end-to-end tests: what a run blocked
 * or detected, and which signature families fired, as counter deltas between two scrapes.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export async function scrape(metricsUrl: string): Promise<Sample[]> {
  const response = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) {
    throw new Error(`GET ${metricsUrl}/metrics answered ${response.status}`);
  }
  return parseMetrics(await response.text());
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = SAMPLE_LINE.exec(line);
    if (m === null) throw new Error(`unreadable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1] ?? ""] = l[2] ?? "";
    samples.push({ name: m[1] ?? "", labels, value: Number(m[3]) });
  }
  return samples;
}

/** Sum of `name` over the samples whose labels include every pair of `where`. */
export function total(
  samples: readonly Sample[],
  name: string,
  where: Readonly<Record<string, string>> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** What a run added to the counters weir's end-to-end tests look at. */
export interface RunCounts {
  readonly blocked: number;
  readonly detected: number;
  /** Signature hits by family. */
  readonly families: Readonly<Record<string, number>>;
}

export function countsBetween(before: readonly Sample[], after: readonly Sample[]): RunCounts {
  const decisions = (decision: string) =>
    total(after, "weir_decisions_total", { direction: "request", decision }) -
    total(before, "weir_decisions_total", { direction: "request", decision });
  const families: Record<string, number> = {};
  const names = new Set(
    after.filter((s) => s.name === "weir_signature_matches_total").map((s) => s.labels.family),
  );
  for (const family of names) {
    if (family === undefined) continue;
    const where = { family };
    const delta =
      total(after, "weir_signature_matches_total", where) -
      total(before, "weir_signature_matches_total", where);
    if (delta > 0) families[family] = delta;
  }
  return { blocked: decisions("block"), detected: decisions("detect"), families };
}
