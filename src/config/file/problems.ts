/**
 * A problem found in a configuration file: where it is (file, line, column, and the path of the
 * key in the document, as `routes[2].exclusions[0].signatures[1]`) and what is wrong, in plain
 * words. `weir config check`, `weir serve` at start and every reload report problems in this one
 * shape, so an operator reads the same message wherever it comes from.
 */

export interface ConfigProblem {
  /** The file as it appears in messages (relative to the working directory when inside it). */
  readonly file: string;
  /** 1-based; 0 when the problem has no place in the file (it could not be read). */
  readonly line: number;
  readonly column: number;
  /** Path of the key or item, `routes[2].mode`; "" for the document itself. */
  readonly path: string;
  readonly message: string;
}

/** `weir.yaml:12:9: routes[2].mode: enforced is not one of enforce, detect`. */
export function formatProblem(problem: ConfigProblem): string {
  const where =
    problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  const path = problem.path === "" ? "" : `${problem.path}: `;
  return `${where}: ${path}${problem.message}`;
}

/** In file order, so an operator can fix them top to bottom. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}
