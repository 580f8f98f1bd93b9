/**
 * The paths a configuration file names (signature directories, the cache directory, TLS files)
 * made absolute and checked on disk. A relative path is taken from the directory of the
 * configuration file, not the working directory: the file and what it names travel together
 * (a ConfigMap, a repository folder), whatever directory weir is started from.
 */
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { BUILTIN_SIGNATURES_DIR } from "../package-paths.js";
import type { ConfigDocument } from "./document.js";
import type { DocPath, LocatedYaml } from "./located-yaml.js";
import type { ConfigProblem } from "./problems.js";

/** The word that names the signature set shipped with weir. */
export const BUILTIN = "builtin";

export interface FilePaths {
  /** Absolute signature directories, or undefined when the file names none. */
  readonly signaturesDirs: readonly string[] | undefined;
  /** Present when the file sets cacheDir: the absolute directory, or undefined for "off". */
  readonly cacheDir: { readonly value: string | undefined } | undefined;
  readonly tls: {
    readonly cert: string | undefined;
    readonly key: string | undefined;
    readonly clientCa: string | undefined;
  };
}

export function resolvePaths(
  doc: ConfigDocument,
  filePath: string,
  yaml: LocatedYaml,
): { readonly paths: FilePaths; readonly problems: readonly ConfigProblem[] } {
  const base = dirname(filePath);
  const problems: ConfigProblem[] = [];
  const at = (path: DocPath, message: string) => problems.push(yaml.problem(path, message));

  let signaturesDirs: string[] | undefined;
  if (doc.signatures !== undefined) {
    const list = typeof doc.signatures === "string" ? [doc.signatures] : doc.signatures;
    const pathOf = (i: number): DocPath =>
      typeof doc.signatures === "string" ? ["signatures"] : ["signatures", i];
    signaturesDirs = list.map((entry, i) => {
      if (entry === BUILTIN) return BUILTIN_SIGNATURES_DIR;
      const dir = resolve(base, entry);
      const problem = directoryProblem(dir);
      if (problem !== undefined) at(pathOf(i), `${entry}: ${problem}`);
      return dir;
    });
  }

  let cacheDir: FilePaths["cacheDir"];
  if (doc.cacheDir !== undefined) {
    if (doc.cacheDir === "off") cacheDir = { value: undefined };
    else {
      const dir = resolve(base, doc.cacheDir);
      if (existsAsNonDirectory(dir)) {
        at(
          ["cacheDir"],
          `${doc.cacheDir} exists and is not a directory: expected a directory (created when missing) or off`,
        );
      }
      cacheDir = { value: dir };
    }
  }

  const file = (value: string | undefined) =>
    value === undefined ? undefined : resolve(base, value);
  const tls = {
    cert: file(doc.tls?.cert),
    key: file(doc.tls?.key),
    clientCa: file(doc.tls?.clientCa),
  };
  return { paths: { signaturesDirs, cacheDir, tls }, problems };
}

function directoryProblem(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? undefined : "not a directory";
  } catch (error: unknown) {
    const code = (error as { code?: unknown }).code;
    return code === "ENOENT" ? "the directory does not exist" : `cannot read it (${String(code)})`;
  }
}

function existsAsNonDirectory(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}
