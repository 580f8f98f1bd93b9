/**
 * Signature ids named by the file's exclusions, each with its place in the file, so that once
 * the signature set is loaded an id it does not hold is reported at its line: an exclusion of
 * a mistyped id would otherwise exclude nothing, silently, and the false positive it was meant
 * to silence would still block.
 */
import type { ConfigDocument, ExclusionDocument } from "./document.js";
import type { ConfigFile } from "./load-config-file.js";
import type { DocPath } from "./located-yaml.js";
import type { ConfigProblem } from "./problems.js";

export interface SignatureRef {
  readonly id: number;
  /** The problem to report, at the id's place in the file. */
  readonly problem: (message: string) => ConfigProblem;
}

export function signatureRefs(file: ConfigFile): SignatureRef[] {
  const doc: ConfigDocument = file.document;
  const refs: SignatureRef[] = [];
  const collect = (exclusions: readonly ExclusionDocument[], at: DocPath) => {
    exclusions.forEach((exclusion, i) => {
      (exclusion.signatures ?? []).forEach((id, j) => {
        const path = [...at, i, "signatures", j];
        refs.push({ id, problem: (message) => file.yaml.problem(path, message) });
      });
    });
  };
  collect(doc.exclusions ?? [], ["exclusions"]);
  (doc.routes ?? []).forEach((route, r) => {
    collect(route.exclusions ?? [], ["routes", r, "exclusions"]);
  });
  return refs;
}

/** One problem per id the loaded set does not hold (loaded, skipped or failed all count). */
export function unknownSignatureProblems(
  refs: readonly SignatureRef[],
  known: ReadonlySet<number>,
  setName: string,
): ConfigProblem[] {
  return refs
    .filter((ref) => !known.has(ref.id))
    .map((ref) => ref.problem(`no signature ${ref.id} in the signature set (${setName})`));
}
