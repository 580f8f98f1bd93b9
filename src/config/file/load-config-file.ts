/**
 * Reads a configuration file and checks it completely: YAML syntax, then the JSON Schema, then
 * the checks the schema cannot express, then the paths it names. Every problem found at the
 * first failing stage is returned (an operator fixes a file in one pass, not one error per
 * run); later stages run only on a document the earlier ones accepted, because they rely on
 * its shape.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import type { ConfigDocument } from "./document.js";
import { LocatedYaml } from "./located-yaml.js";
import { type FilePaths, resolvePaths } from "./paths.js";
import { type ConfigProblem, sortProblems } from "./problems.js";
import { schemaProblems } from "./schema-validator.js";
import { semanticProblems } from "./semantic-checks.js";

export interface ConfigFile {
  /** Absolute path. */
  readonly path: string;
  /** The path as messages show it. */
  readonly shown: string;
  /** The file's text as read (a reload compares it to decide whether anything changed). */
  readonly text: string;
  readonly document: ConfigDocument;
  readonly yaml: LocatedYaml;
  readonly paths: FilePaths;
}

export type ConfigFileLoad =
  | { readonly ok: true; readonly file: ConfigFile }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export async function loadConfigFile(path: string): Promise<ConfigFileLoad> {
  const absolute = resolve(path);
  const shown = displayPath(absolute);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error: unknown) {
    const code = (error as { code?: unknown }).code;
    const why = code === "ENOENT" ? "the file does not exist" : `cannot read it (${String(code)})`;
    return { ok: false, problems: [{ file: shown, line: 0, column: 0, path: "", message: why }] };
  }
  const parsed = LocatedYaml.parse(shown, text);
  if (!parsed.ok) return { ok: false, problems: sortProblems(parsed.problems) };
  const { yaml } = parsed;
  const invalid = schemaProblems(yaml);
  if (invalid.length > 0) return { ok: false, problems: sortProblems(invalid) };
  const document = yaml.value as ConfigDocument;
  const { paths, problems: pathProblems } = resolvePaths(document, absolute, yaml);
  const problems = [...semanticProblems(document, yaml), ...pathProblems];
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, file: { path: absolute, shown, text, document, yaml, paths } };
}

/** Relative to the working directory when inside it, as the signature loader shows paths. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}
