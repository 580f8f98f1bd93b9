/**
 * A reference matcher for corpus tests: which signatures of a set fire on one value delivered
 * to one target (and field name), each signature compiled alone in Hyperscan with its own
 * transforms. Slower than the engine's grouped databases but independent of them, so the
 * corpus checks the signatures, not the compiler.
 */
import { Database, type Flag, MatchBuffer } from "hyperscan-js";
import type { Target } from "../../src/inspect/types.js";
import { applyTransforms } from "../../src/signatures/sample-test.js";
import type { Signature } from "../../src/signatures/types.js";

const HEADER_TARGETS: ReadonlySet<Target> = new Set<Target>([
  "request_headers",
  "response_headers",
]);

export class SignatureMatcher {
  private readonly databases = new Map<number, Database>();
  private readonly buffer = new MatchBuffer(1);

  constructor(private readonly signatures: readonly Signature[]) {}

  /** Signatures that apply to `target` (narrowed to `field` when they have a selector) and fire. */
  match(target: Target, field: string | undefined, value: Uint8Array): Signature[] {
    return this.signatures.filter((sig) => {
      if (!appliesTo(sig, target, field)) return false;
      this.buffer.clear();
      return this.database(sig).scan(applyTransforms(sig.transforms, value), this.buffer) > 0;
    });
  }

  close(): void {
    for (const db of this.databases.values()) db.close();
    this.databases.clear();
  }

  private database(sig: Signature): Database {
    let db = this.databases.get(sig.id);
    if (db === undefined) {
      const flags: Flag[] = ["singlematch", ...sig.flags];
      db = Database.compile([{ pattern: sig.pattern, id: 0, flags }], "block");
      this.databases.set(sig.id, db);
    }
    return db;
  }
}

function appliesTo(sig: Signature, target: Target, field: string | undefined): boolean {
  return sig.targets.some((ref) => {
    if (ref.target !== target) return false;
    if (ref.selector === undefined) return true;
    if (field === undefined) return false;
    return HEADER_TARGETS.has(target)
      ? ref.selector === field.toLowerCase()
      : ref.selector === field;
  });
}
