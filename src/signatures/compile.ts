/**
 * Signature compiler: groups signatures by (target, transform chain) and compiles one
 * Hyperscan database per group and scan mode. A value is scanned once per group that applies
 * to its target, so each signature sees exactly the targets and transforms it asked for, and
 * every group is a single pass over the bytes whatever the number of signatures in it.
 *
 * Stream-mode databases serve values that arrive in pieces (body fields, raw bodies);
 * block-mode databases serve values that are whole when weir sees them (path, query, headers).
 * A compile failure of a group is mapped back to the signature through the expression index,
 * that signature is reported failed and the group is compiled again without it.
 */
import { Database, type ExpressionSpec, type Flag, HyperscanError, type Mode } from "hyperscan-js";
import { type Family, SEVERITY_SCORE, type Severity, type Target } from "../inspect/types.js";

/** What the compiler needs of a loaded signature (src/signatures/types.ts satisfies it). */
export interface CompilableSignature {
  readonly id: number;
  readonly family: Family;
  readonly severity: Severity;
  readonly paranoia: number;
  readonly targets: readonly { readonly target: Target; readonly selector?: string | undefined }[];
  readonly transforms: readonly string[];
  readonly pattern: string;
  readonly flags: readonly string[];
}

/** A signature as one group sees it: which names of the target it is limited to, if any. */
export interface GroupMember {
  readonly id: number;
  readonly family: Family;
  readonly severity: Severity;
  readonly score: number;
  /** Lower-cased field/header names this signature is limited to; undefined = every name. */
  readonly selectors: ReadonlySet<string> | undefined;
}

export interface SignatureGroup {
  readonly target: Target;
  readonly transforms: readonly string[];
  /** Indexed by Hyperscan expression id. */
  readonly members: readonly GroupMember[];
  readonly block: Database | undefined;
  readonly stream: Database | undefined;
}

export interface CompileFailure {
  readonly id: number;
  readonly error: string;
}

export interface CompiledSignatures {
  readonly groups: readonly SignatureGroup[];
  readonly failures: readonly CompileFailure[];
  readonly compiled: number;
}

/** Targets whose values can arrive in pieces and so need stream-mode databases. */
const STREAMED_TARGETS: ReadonlySet<Target> = new Set<Target>([
  "args",
  "args_names",
  "request_body",
  "response_body",
]);
/**
 * Targets whose values are whole when weir sees them (path, headers, cookies) and use block
 * mode. Fields (`args`, `args_names`) always go through streams, from a query or a body alike.
 */
const BLOCK_TARGETS: ReadonlySet<Target> = new Set<Target>([
  "request_filename",
  "request_uri_raw",
  "request_headers",
  "request_headers_names",
  "request_cookies",
  "request_cookies_names",
  "response_headers",
]);

const ALLOWED_FLAGS: ReadonlySet<string> = new Set(["caseless", "dotall", "multiline", "ucp"]);

interface Draft {
  readonly target: Target;
  readonly transforms: readonly string[];
  readonly members: Map<number, { sig: CompilableSignature; selectors: Set<string> | undefined }>;
}

export function compileSignatures(
  signatures: readonly CompilableSignature[],
  options: { readonly paranoia: number },
): CompiledSignatures {
  const drafts = new Map<string, Draft>();
  for (const sig of signatures) {
    if (sig.paranoia > options.paranoia) continue;
    for (const { target, selector } of sig.targets) {
      const key = `${target}|${sig.transforms.join(",")}`;
      let draft = drafts.get(key);
      if (draft === undefined) {
        draft = { target, transforms: sig.transforms, members: new Map() };
        drafts.set(key, draft);
      }
      const existing = draft.members.get(sig.id);
      const name = selector?.toLowerCase();
      if (existing === undefined) {
        draft.members.set(sig.id, {
          sig,
          selectors: name === undefined ? undefined : new Set([name]),
        });
      } else if (name === undefined) {
        existing.selectors = undefined;
      } else {
        existing.selectors?.add(name);
      }
    }
  }
  const failed = new Map<number, string>();
  const groups: SignatureGroup[] = [];
  for (const draft of drafts.values()) {
    const group = compileGroup(draft, failed);
    if (group !== undefined) groups.push(group);
  }
  const compiledIds = new Set<number>();
  for (const g of groups) for (const m of g.members) compiledIds.add(m.id);
  return {
    groups,
    failures: [...failed].map(([id, error]) => ({ id, error })),
    compiled: compiledIds.size,
  };
}

function compileGroup(draft: Draft, failed: Map<number, string>): SignatureGroup | undefined {
  const modes: Mode[] = [];
  if (BLOCK_TARGETS.has(draft.target)) modes.push("block");
  if (STREAMED_TARGETS.has(draft.target)) modes.push("stream");
  // Retry without the failing expression until the group compiles; each retry removes one.
  for (;;) {
    const entries = [...draft.members.values()].filter((e) => !failed.has(e.sig.id));
    if (entries.length === 0) return undefined;
    const expressions: ExpressionSpec[] = entries.map((e, index) => ({
      pattern: e.sig.pattern,
      id: index,
      flags: flagsOf(e.sig),
    }));
    const databases: Partial<Record<Mode, Database>> = {};
    try {
      for (const mode of modes) databases[mode] = Database.compile(expressions, mode);
    } catch (error: unknown) {
      for (const db of Object.values(databases)) db.close();
      const index = error instanceof HyperscanError ? error.expressionIndex : undefined;
      const culprit = index === undefined ? undefined : entries[index];
      if (culprit === undefined) throw error;
      failed.set(culprit.sig.id, error instanceof Error ? error.message : String(error));
      continue;
    }
    return {
      target: draft.target,
      transforms: draft.transforms,
      members: entries.map(({ sig, selectors }) => ({
        id: sig.id,
        family: sig.family,
        severity: sig.severity,
        score: SEVERITY_SCORE[sig.severity],
        selectors,
      })),
      block: databases.block,
      stream: databases.stream,
    };
  }
}

function flagsOf(sig: CompilableSignature): Flag[] {
  const flags: Flag[] = ["singlematch"];
  for (const f of sig.flags) if (ALLOWED_FLAGS.has(f)) flags.push(f as Flag);
  return flags;
}

export function closeCompiled(compiled: CompiledSignatures): void {
  for (const g of compiled.groups) {
    g.block?.close();
    g.stream?.close();
  }
}
