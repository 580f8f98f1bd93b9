/**
 * What happened to each signature id when a set was loaded, in the spirit of libddwaf's
 * ruleset_info: loaded, skipped with a reason (a deliberate choice such as the paranoia
 * level), or failed with an error (a defect to fix). A failure never stops the others from
 * loading. The CLI prints it with formatLoadReport; the server logs and counts it.
 */
import { FAMILIES, type Family } from "../inspect/types.js";
import { PARANOIA_LEVELS, type ParanoiaLevel, type SourceRef } from "./types.js";

export interface LoadedEntry {
  readonly id: number;
  readonly family: Family;
  readonly paranoia: ParanoiaLevel;
  readonly source: SourceRef;
}

export interface SkippedEntry {
  readonly id: number;
  readonly reason: string;
  readonly source: SourceRef;
}

export interface FailedEntry {
  /** The signature id, or the file path when a whole file could not be read. */
  readonly id: number | string;
  /** The first problem, "file:line: signature <id>: ..."; `errors` holds all of them. */
  readonly error: string;
  readonly errors: readonly string[];
  readonly source: SourceRef;
  /**
   * Set when a whole file (or the directory) could not be used: how many signature entries it
   * held, all dropped. Absent for one failed signature.
   */
  readonly wholeFile?: { readonly signatures: number };
}

export interface LoadReport {
  readonly loaded: readonly LoadedEntry[];
  readonly skipped: readonly SkippedEntry[];
  readonly failed: readonly FailedEntry[];
  /** Every file read, in load order. */
  readonly files: readonly string[];
  /** sha256 of the loaded files (set-hash.ts). */
  readonly hash: string;
}

export interface FamilyCounts {
  readonly family: Family;
  readonly byParanoia: Readonly<Record<ParanoiaLevel, number>>;
  readonly total: number;
}

/** Loaded signatures per family and paranoia level, families in FAMILIES order, empty ones out. */
export function countByFamily(report: LoadReport): FamilyCounts[] {
  const counts = new Map<Family, Record<ParanoiaLevel, number>>();
  for (const entry of report.loaded) {
    let row = counts.get(entry.family);
    if (row === undefined) {
      row = { 1: 0, 2: 0, 3: 0, 4: 0 };
      counts.set(entry.family, row);
    }
    row[entry.paranoia]++;
  }
  return FAMILIES.flatMap((family) => {
    const row = counts.get(family);
    if (row === undefined) return [];
    const total = PARANOIA_LEVELS.reduce((sum, p) => sum + row[p], 0);
    return [{ family, byParanoia: row, total }];
  });
}

/** Signatures that failed: one per failed entry, every entry of a file that failed whole. */
export function failedSignatureCount(report: LoadReport): number {
  return report.failed.reduce((sum, f) => sum + (f.wholeFile?.signatures ?? 1), 0);
}

/**
 * Why this set must not be served, or undefined when it may be: a file that failed as a whole
 * (a family silently missing) or nothing loaded. One bad signature leaves the set usable.
 */
export function unusableSetReason(report: LoadReport): string | undefined {
  const file = report.failed.find((f) => f.wholeFile !== undefined);
  if (file !== undefined) {
    return `${file.error}; fix the file or move it out of the signatures directory`;
  }
  if (report.loaded.length === 0) {
    const why = report.skipped.length > 0 ? " (all were skipped: check --paranoia)" : "";
    return `no signature loaded from ${report.files.length} file(s)${why}`;
  }
  return undefined;
}

/** The human report for `weir signatures test` and the server's startup log. */
export function formatLoadReport(report: LoadReport): string {
  const { loaded, skipped, failed } = report;
  const lines = [
    `signatures: ${loaded.length} loaded, ${skipped.length} skipped, ${failedSignatureCount(report)} failed ` +
      `(${report.files.length} files${wholeFiles(report)}, sha256 ${report.hash.slice(0, 16)})`,
  ];
  const rows = countByFamily(report);
  if (rows.length > 0) {
    lines.push(
      `  ${"family".padEnd(16)}${PARANOIA_LEVELS.map((p) => `p${p}`.padStart(5)).join("")}${"total".padStart(7)}`,
    );
    for (const row of rows) {
      const cells = PARANOIA_LEVELS.map((p) => String(row.byParanoia[p]).padStart(5)).join("");
      lines.push(`  ${row.family.padEnd(16)}${cells}${String(row.total).padStart(7)}`);
    }
  }
  if (failed.length > 0) {
    lines.push("failed:");
    for (const f of failed) for (const e of f.errors) lines.push(`  ${e}`);
  }
  if (skipped.length > 0) {
    lines.push("skipped:");
    for (const s of skipped)
      lines.push(`  ${s.source.file}:${s.source.line}: signature ${s.id}: ${s.reason}`);
  }
  return `${lines.join("\n")}\n`;
}

function wholeFiles(report: LoadReport): string {
  const count = report.failed.filter((f) => f.wholeFile !== undefined).length;
  return count === 0 ? "" : `, ${count} not loaded`;
}
