/**
 * Signature compiler: one Hyperscan database per (transform chain, scan mode) holding every
 * signature that uses that chain, whatever its targets. Each member remembers which targets
 * (and, for named targets, which names) it applies to, and hits on other targets are dropped
 * when matches are collected. Fewer, larger databases compile several times faster than one
 * per target (Hyperscan's compile cost is per database, and most signatures share targets)
 * and scan a value in one pass.
 *
 * Stream-mode databases serve values that arrive in pieces (body fields, raw bodies);
 * block-mode databases serve values that are whole when weir sees them (path, headers,
 * cookies) and short fields (`args`, `args_names`: see FIELD_TARGETS). Members on field
 * targets are therefore in both databases of their group, with the same expression ids. A compile failure is mapped back to its signature through the expression index;
 * that signature is reported failed and the database is compiled again without it.
 *
 * Signatures that look only at responses, or that validate or redact their matches, are
 * compiled apart, into the leak set (compile-leaks.ts): response bodies are scanned with that
 * database alone, and redaction needs start offsets and every occurrence, which these groups
 * do not report.
 */
import { Database, type ExpressionSpec, type Flag, HyperscanError, type Mode } from "hyperscan-js";
import { type Family, SEVERITY_SCORE, type Severity, type Target } from "../inspect/types.js";
import type { RedactChoice, RedactionOptions } from "../redact/options.js";
import type { ValidatorName } from "../redact/validators.js";
import { compileLeakSet, isLeakSignature, type LeakSet } from "./compile-leaks.js";
import { cacheKey, type DatabaseCache } from "./database-cache.js";

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
  /** Data-leak fields (signatures/leak-fields.ts); such signatures go to the leak set. */
  readonly validate?: ValidatorName | undefined;
  readonly redact?: RedactChoice | undefined;
  readonly redactAfter?: string | undefined;
}

/** Lower-cased names a member is limited to on one target; undefined = every name. */
export type Selectors = ReadonlySet<string> | undefined;

/** A signature as its group sees it. */
export interface GroupMember {
  readonly id: number;
  readonly family: Family;
  readonly severity: Severity;
  readonly score: number;
  /** The targets this signature applies to, each with its selectors. */
  readonly targets: ReadonlyMap<Target, Selectors>;
}

export interface SignatureGroup {
  readonly transforms: readonly string[];
  /** Indexed by Hyperscan expression id (in both databases). */
  readonly members: readonly GroupMember[];
  /** Targets any member applies to. */
  readonly targets: ReadonlySet<Target>;
  readonly block: Database | undefined;
  readonly stream: Database | undefined;
}

export interface CompileFailure {
  readonly id: number;
  readonly error: string;
}

export interface CompiledSignatures {
  readonly groups: readonly SignatureGroup[];
  /** Signatures that validate or redact their matches; undefined when there are none. */
  readonly leaks: LeakSet | undefined;
  readonly failures: readonly CompileFailure[];
  readonly compiled: number;
  /** Databases taken from the cache rather than compiled. */
  readonly cached: number;
}

/** Targets whose values can arrive in pieces: fields of a query or body, raw bodies. */
export const STREAMED_TARGETS: ReadonlySet<Target> = new Set<Target>([
  "args",
  "args_names",
  "request_body",
  "response_body",
]);

/**
 * Streamed targets whose values are fields: most are short, and a short one is scanned whole in
 * block mode (inspect/stream-scanner.ts), so their members go into block databases too.
 */
export const FIELD_TARGETS: ReadonlySet<Target> = new Set<Target>(["args", "args_names"]);

/** Must not exceed the shared match buffer (inspect/match-collector.ts MATCH_CAPACITY). */
const MAX_GROUP_MEMBERS = 4096;

const ALLOWED_FLAGS: ReadonlySet<string> = new Set(["caseless", "dotall", "multiline", "ucp"]);

export interface CompileOptions {
  readonly paranoia: number;
  readonly cache?: DatabaseCache | undefined;
  /** How redacting signatures rewrite (default: mask with `*`, token `[REDACTED]`). */
  readonly redaction?: RedactionOptions | undefined;
}

export function compileSignatures(
  signatures: readonly CompilableSignature[],
  options: CompileOptions,
): CompiledSignatures {
  const chains = new Map<string, CompilableSignature[]>();
  const leakSignatures: CompilableSignature[] = [];
  for (const sig of signatures) {
    if (sig.paranoia > options.paranoia) continue;
    if (isLeakSignature(sig)) {
      leakSignatures.push(sig);
      continue;
    }
    const key = sig.transforms.join(",");
    const list = chains.get(key);
    if (list === undefined) chains.set(key, [sig]);
    else list.push(sig);
  }
  const failed = new Map<number, string>();
  const groups: SignatureGroup[] = [];
  let cached = 0;
  for (const sigs of chains.values()) {
    if (sigs.length > MAX_GROUP_MEMBERS) {
      throw new Error(
        `transform chain [${sigs[0]?.transforms.join(", ")}] has ${sigs.length} signatures; ` +
          `one database holds at most ${MAX_GROUP_MEMBERS} (the match buffer's capacity)`,
      );
    }
    const members = sigs.map(memberOf);
    const block = compileMode(sigs, members, "block", failed, options.cache);
    const stream = compileMode(sigs, members, "stream", failed, options.cache);
    cached += (block?.cached ? 1 : 0) + (stream?.cached ? 1 : 0);
    const first = sigs[0];
    if (first === undefined || (block === undefined && stream === undefined)) continue;
    const live = members.map((m) => (failed.has(m.id) ? { ...m, targets: new Map() } : m));
    groups.push({
      transforms: first.transforms,
      members: live,
      targets: new Set(live.flatMap((m) => [...m.targets.keys()])),
      block: block?.db,
      stream: stream?.db,
    });
  }
  const leaks =
    leakSignatures.length === 0
      ? undefined
      : compileLeakSet(leakSignatures, memberOf, failed, options.cache, options.redaction);
  const ids = new Set<number>();
  for (const g of groups) for (const m of g.members) if (m.targets.size > 0) ids.add(m.id);
  for (const m of leaks?.members ?? []) if (m.targets.size > 0) ids.add(m.id);
  return {
    groups,
    leaks,
    failures: [...failed].map(([id, error]) => ({ id, error })),
    compiled: ids.size,
    cached,
  };
}

export function memberOf(sig: CompilableSignature): GroupMember {
  const targets = new Map<Target, Set<string> | undefined>();
  for (const { target, selector } of sig.targets) {
    const name = selector?.toLowerCase();
    if (!targets.has(target)) targets.set(target, name === undefined ? undefined : new Set([name]));
    else if (name === undefined) targets.set(target, undefined);
    else targets.get(target)?.add(name);
  }
  return {
    id: sig.id,
    family: sig.family,
    severity: sig.severity,
    score: SEVERITY_SCORE[sig.severity],
    targets,
  };
}

function wantsMode(member: GroupMember, mode: Mode): boolean {
  for (const target of member.targets.keys()) {
    if (STREAMED_TARGETS.has(target) === (mode === "stream")) return true;
    if (mode === "block" && FIELD_TARGETS.has(target)) return true;
  }
  return false;
}

/** Compiles the members that need `mode`, expression id = member index (see compileWithRetry). */
function compileMode(
  sigs: readonly CompilableSignature[],
  members: readonly GroupMember[],
  mode: Mode,
  failed: Map<number, string>,
  cache: DatabaseCache | undefined,
): { db: Database; cached: boolean } | undefined {
  return compileWithRetry(sigs, mode, failed, cache, (sig, index) => {
    const member = members[index];
    return member !== undefined && wantsMode(member, mode) ? flagsOf(sig) : undefined;
  });
}

/**
 * Compiles one database of `sigs` that have not failed, expression id = index in `sigs`, with
 * the flags `flags` gives (undefined: the signature is not in this database), through the
 * cache. On a compile error the culprit is marked failed and the rest compiled again; the
 * retries end because each removes one signature. Undefined when nothing is left to compile.
 */
export function compileWithRetry(
  sigs: readonly CompilableSignature[],
  mode: Mode,
  failed: Map<number, string>,
  cache: DatabaseCache | undefined,
  flags: (sig: CompilableSignature, index: number) => Flag[] | undefined,
): { db: Database; cached: boolean } | undefined {
  for (;;) {
    const expressions: ExpressionSpec[] = [];
    sigs.forEach((sig, index) => {
      if (failed.has(sig.id)) return;
      const f = flags(sig, index);
      if (f !== undefined) expressions.push({ pattern: sig.pattern, id: index, flags: f });
    });
    if (expressions.length === 0) return undefined;
    const key = cacheKey(mode, expressions);
    const hit = cache?.get(key);
    if (hit !== undefined) return { db: hit, cached: true };
    try {
      const db = Database.compile(expressions, mode);
      cache?.put(key, db);
      return { db, cached: false };
    } catch (error: unknown) {
      const index = error instanceof HyperscanError ? error.expressionIndex : undefined;
      const culprit = index === undefined ? undefined : expressions[index];
      const sig = culprit === undefined ? undefined : sigs[culprit.id];
      if (sig === undefined) throw error;
      failed.set(sig.id, error instanceof Error ? error.message : String(error));
    }
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
  compiled.leaks?.stream.close();
}
