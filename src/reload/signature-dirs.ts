/**
 * Loads several signature directories as one set: the configuration file may list the built-in
 * set and an operator's own directory together. Each directory is loaded by the ordinary loader;
 * the reports are merged, and an id defined in two directories keeps its first definition (the
 * later one fails, as a duplicate inside one directory does), so ids stay unique across the set.
 */
import { createHash } from "node:crypto";
import type { LoadedSignatureSet, loadSignatureSet } from "../cli/engine-wiring.js";
import { BUILTIN_SIGNATURES_DIR } from "../config/package-paths.js";
import {
  type FailedEntry,
  failedSignatureCount,
  type LoadReport,
  unusableSetReason,
} from "../signatures/load-report.js";
import { type Signature, signatureWhere } from "../signatures/types.js";

export async function loadSignatureDirs(
  dirs: readonly string[],
  paranoia: number,
  load: typeof loadSignatureSet,
): Promise<LoadedSignatureSet> {
  const sets: LoadedSignatureSet[] = [];
  for (const dir of dirs) sets.push(await load(dir, paranoia));
  const [only] = sets;
  if (sets.length === 1 && only !== undefined) return only;

  const signatures: Signature[] = [];
  const seen = new Map<number, Signature["source"]>();
  const duplicates: FailedEntry[] = [];
  for (const set of sets) {
    for (const sig of set.signatures) {
      const earlier = seen.get(sig.id);
      if (earlier === undefined) {
        seen.set(sig.id, sig.source);
        signatures.push(sig);
        continue;
      }
      const error = `${signatureWhere(sig.source, sig.id)}: duplicate id, already defined at ${earlier.file}:${earlier.line}`;
      duplicates.push({ id: sig.id, error, errors: [error], source: sig.source });
    }
  }
  const dropped = new Set(duplicates.map((d) => d.source));
  const report: LoadReport = {
    loaded: sets.flatMap((s) => s.report.loaded).filter((l) => !dropped.has(l.source)),
    skipped: sets.flatMap((s) => s.report.skipped),
    failed: [...sets.flatMap((s) => s.report.failed), ...duplicates],
    files: sets.flatMap((s) => s.report.files),
    hash: combinedHash(sets.map((s) => s.report.hash)),
  };
  return {
    signatures,
    report,
    counts: {
      loaded: report.loaded.length,
      skipped: report.skipped.length,
      failed: failedSignatureCount(report),
    },
    problems: [
      ...sets.flatMap((s) => s.problems),
      ...duplicates.map((d) => ({ state: "failed" as const, id: String(d.id), reason: d.error })),
    ],
    unusable: unusableSetReason(report),
  };
}

/** sha256 over the directories' hashes in order: one identity for the whole set. */
function combinedHash(hashes: readonly string[]): string {
  const hash = createHash("sha256");
  for (const h of hashes) hash.update(`${h}\n`);
  return hash.digest("hex");
}

/** "built-in", a directory, or a list of them, for logs and messages. */
export function signatureSourceName(dirs: readonly string[]): string {
  return dirs.map((d) => (d === BUILTIN_SIGNATURES_DIR ? "built-in" : d)).join(", ");
}
