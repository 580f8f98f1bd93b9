/**
 * Loads a signature set: every *.yaml / *.yml file of a directory in name order, each entry
 * checked field by field (signature-file.ts), ids checked for uniqueness across files, each
 * pattern checked by Hyperscan (validate.ts). Nothing is thrown for a bad file or signature:
 * the result is the signatures that can be compiled plus a LoadReport that says, per id, what
 * was loaded, skipped (and why) or failed (and where).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative } from "node:path";
import { TRANSFORMS } from "../decode/transforms/index.js";
import type { FailedEntry, LoadReport, SkippedEntry } from "./load-report.js";
import { type HashedFile, hashSignatureFiles } from "./set-hash.js";
import { parseSignatureFile } from "./signature-file.js";
import { type Signature, signatureWhere } from "./types.js";
import { validatePatterns } from "./validate.js";

export interface LoadOptions {
  /** Signatures above this paranoia level are skipped (reported, not compiled). */
  readonly paranoia?: number;
  /** Ids to skip, e.g. from an operator's exclusion list. */
  readonly exclude?: readonly number[];
  /** Check every pattern with Hyperscan (default true). */
  readonly validatePatterns?: boolean;
}

export interface LoadResult {
  readonly signatures: readonly Signature[];
  readonly report: LoadReport;
}

const SIGNATURE_FILE = /\.ya?ml$/;

export async function loadSignatures(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  let names: string[];
  try {
    // A Kubernetes ConfigMap volume presents each key as a symbolic link (to ..data/<key>), so
    // links are followed; hidden entries (..data, ..2024_...) are not signature files.
    const entries = (await readdir(dir, { withFileTypes: true })).filter(
      (entry) => !entry.name.startsWith(".") && SIGNATURE_FILE.test(entry.name),
    );
    const files = await Promise.all(
      entries.map(async (entry) => {
        if (entry.isFile()) return entry.name;
        if (!entry.isSymbolicLink()) return undefined;
        const target = await stat(join(dir, entry.name)).catch(() => undefined);
        return target?.isFile() === true ? entry.name : undefined;
      }),
    );
    names = files.filter((name): name is string => name !== undefined).sort();
  } catch (error: unknown) {
    return fileFailure(
      displayPath(dir),
      `cannot read the signatures directory: ${errorText(error)}`,
    );
  }
  if (names.length === 0) {
    return fileFailure(displayPath(dir), "no signature files (*.yaml) in the signatures directory");
  }
  return loadSignatureFiles(
    names.map((name) => join(dir, name)),
    options,
  );
}

/** Loads the given files (in the given order); loadSignatures is this over a directory. */
export async function loadSignatureFiles(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadResult> {
  const failed: FailedEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const parsed: Signature[] = [];
  const hashed: HashedFile[] = [];
  const files: string[] = [];
  const seen = new Map<number, Signature["source"]>();
  for (const path of paths) {
    const shown = displayPath(path);
    files.push(shown);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error: unknown) {
      failed.push(fileFailed(shown, 0, `${shown}: cannot read: ${errorText(error)}`, 0));
      continue;
    }
    const file = parseSignatureFile(shown, text);
    if (!file.ok) {
      failed.push(fileFailed(shown, file.line, file.error, file.signatures));
      continue;
    }
    hashed.push({ name: basename(path), text });
    for (const entry of file.entries) {
      if (!entry.ok) {
        const first = entry.errors[0] ?? `${shown}:${entry.source.line}: invalid signature`;
        failed.push({
          id: entry.id ?? shown,
          error: first,
          errors: entry.errors,
          source: entry.source,
        });
        continue;
      }
      const sig = entry.signature;
      const earlier = seen.get(sig.id);
      if (earlier !== undefined) {
        const error = `${signatureWhere(sig.source, sig.id)}: duplicate id, already defined at ${earlier.file}:${earlier.line}`;
        failed.push({ id: sig.id, error, errors: [error], source: sig.source });
        continue;
      }
      seen.set(sig.id, sig.source);
      parsed.push(sig);
    }
  }

  const chosen: Signature[] = [];
  const exclude = new Set(options.exclude ?? []);
  for (const sig of parsed) {
    const reason = skipReason(sig, options, exclude);
    if (reason === undefined) chosen.push(sig);
    else skipped.push({ id: sig.id, reason, source: sig.source });
  }
  let signatures: readonly Signature[] = chosen;
  if (options.validatePatterns !== false) {
    const checked = validatePatterns(chosen);
    signatures = checked.valid;
    failed.push(...checked.failed);
  }
  const report: LoadReport = {
    loaded: signatures.map((s) => ({
      id: s.id,
      family: s.family,
      paranoia: s.paranoia,
      source: s.source,
    })),
    skipped,
    failed,
    files,
    hash: hashSignatureFiles(hashed),
  };
  return { signatures, report };
}

function skipReason(
  sig: Signature,
  options: LoadOptions,
  exclude: ReadonlySet<number>,
): string | undefined {
  if (exclude.has(sig.id)) return "excluded by configuration";
  if (options.paranoia !== undefined && sig.paranoia > options.paranoia) {
    return `paranoia ${sig.paranoia} is above the configured level ${options.paranoia}`;
  }
  const missing = sig.transforms.filter((t) => !TRANSFORMS.has(t));
  if (missing.length > 0) return `transform ${missing.join(", ")} is not available in this build`;
  return undefined;
}

function fileFailed(file: string, line: number, error: string, signatures: number): FailedEntry {
  return { id: file, error, errors: [error], source: { file, line }, wholeFile: { signatures } };
}

function fileFailure(file: string, problem: string): LoadResult {
  const failure = fileFailed(file, 0, `${file}: ${problem}`, 0);
  return {
    signatures: [],
    report: { loaded: [], skipped: [], failed: [failure], files: [], hash: hashSignatureFiles([]) },
  };
}

/** Paths in messages are relative to the working directory when they are inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
