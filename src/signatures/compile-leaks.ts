/**
 * The leak set: the signatures that look only at responses (data leaks: stack traces, SQL
 * errors, secrets, card numbers), compiled apart from the groups of compile.ts into one
 * stream-mode database that response headers (a stream reset per value) and bodies are
 * scanned with. Apart, because a group's database serves every target of its members: a
 * response body scanned with the request signatures' database would pay for hundreds of
 * patterns that can never count there.
 *
 * Signatures that validate or redact their matches (`validate`, `redact`) are compiled with
 * HS_FLAG_SOM_LEFTMOST and without singlematch: they need where each match starts (to read
 * its bytes for the validator, and to know which bytes to replace) and every occurrence (each
 * one is redacted). The others only detect, with singlematch, as in the groups.
 *
 * Each member's maximum match width comes from Hyperscan (hs_expression_info); the widest one
 * sets how many bytes of a response body are held back (src/redact/hold-back.ts). A compile
 * failure is mapped back to its signature, which is reported failed; the rest compile again.
 */
import { type Database, expressionInfo, type Flag } from "hyperscan-js";
import { MAX_HOLD_BACK_BYTES } from "../redact/hold-back.js";
import {
  DEFAULT_REDACTION,
  type RedactionOptions,
  type RedactStyle,
  styleOf,
} from "../redact/options.js";
import type { ValidatorName } from "../redact/validators.js";
import { type CompilableSignature, compileWithRetry, type GroupMember } from "./compile.js";
import type { DatabaseCache } from "./database-cache.js";

export interface LeakMember extends GroupMember {
  readonly validate: ValidatorName | undefined;
  /** How its matches are redacted; undefined = it only detects. */
  readonly style: RedactStyle | undefined;
  /** Bytes after the last of which a match is redacted (`redact_after`); empty = all of it. */
  readonly redactAfter: Uint8Array;
  /** Hyperscan's maximum match width (0 for a member that neither validates nor redacts). */
  readonly width: number;
}

export interface LeakSet {
  /** Indexed by Hyperscan expression id. */
  readonly members: readonly LeakMember[];
  readonly stream: Database;
  /** Widest member on response_body that redacts or validates: the rewrite hold-back. */
  readonly rewriteWidth: number;
  /** Widest member on response_body that validates: the detection hold-back. */
  readonly validateWidth: number;
  /** Some member redacts. */
  readonly redacts: boolean;
  readonly options: RedactionOptions;
}

/** Targets of the leak set (signatures/leak-fields.ts LEAK_TARGETS). */
const RESPONSE_TARGETS: ReadonlySet<string> = new Set(["response_headers", "response_body"]);

/** A signature for the leak set: it validates or redacts, or it looks only at responses. */
export function isLeakSignature(sig: CompilableSignature): boolean {
  return (
    needsBytes(sig) ||
    (sig.targets.length > 0 && sig.targets.every((t) => RESPONSE_TARGETS.has(t.target)))
  );
}

/** It validates or redacts: its matches need start offsets and bytes. */
function needsBytes(sig: CompilableSignature): boolean {
  return sig.validate !== undefined || sig.redact !== undefined;
}

const ALLOWED_FLAGS: ReadonlySet<string> = new Set(["caseless", "dotall", "multiline"]);
const encoder = new TextEncoder();

/** Compiles the leak signatures among `sigs`; failures are added to `failed` (id → error). */
export function compileLeakSet(
  sigs: readonly CompilableSignature[],
  memberOf: (sig: CompilableSignature) => GroupMember,
  failed: Map<number, string>,
  cache: DatabaseCache | undefined,
  options: RedactionOptions = DEFAULT_REDACTION,
): LeakSet | undefined {
  const members: LeakMember[] = [];
  const live: CompilableSignature[] = [];
  for (const sig of sigs) {
    const width = widthOf(sig, failed);
    if (width === undefined) continue;
    live.push(sig);
    members.push({
      ...memberOf(sig),
      validate: sig.validate,
      style: sig.redact === undefined ? undefined : styleOf(sig.redact, options),
      redactAfter: encoder.encode(sig.redactAfter ?? ""),
      width,
    });
  }
  const stream = compileWithRetry(live, "stream", failed, cache, flagsOf)?.db;
  if (stream === undefined) return undefined;
  const usable = members.map((m) => (failed.has(m.id) ? { ...m, targets: new Map() } : m));
  let rewriteWidth = 0;
  let validateWidth = 0;
  for (const m of usable) {
    if (!m.targets.has("response_body")) continue;
    if (m.style !== undefined || m.validate !== undefined)
      rewriteWidth = Math.max(rewriteWidth, m.width);
    if (m.validate !== undefined) validateWidth = Math.max(validateWidth, m.width);
  }
  return {
    members: usable,
    stream,
    rewriteWidth,
    validateWidth,
    redacts: usable.some((m) => m.style !== undefined && m.targets.size > 0),
    options,
  };
}

function widthOf(sig: CompilableSignature, failed: Map<number, string>): number | undefined {
  if (!needsBytes(sig)) return 0;
  try {
    const width = expressionInfo(sig.pattern, flagsOf(sig)).maxWidth;
    if (Number.isFinite(width) && width <= MAX_HOLD_BACK_BYTES) return width;
    failed.set(
      sig.id,
      `signature ${sig.id}: a pattern that validates or redacts its matches needs a match width of at most ${MAX_HOLD_BACK_BYTES} bytes, this one is ${Number.isFinite(width) ? `${width} bytes` : "unbounded"}`,
    );
  } catch (error: unknown) {
    failed.set(sig.id, error instanceof Error ? error.message : String(error));
  }
  return undefined;
}

function flagsOf(sig: CompilableSignature): Flag[] {
  const flags: Flag[] = [needsBytes(sig) ? "somLeftmost" : "singlematch"];
  for (const f of sig.flags) if (ALLOWED_FLAGS.has(f)) flags.push(f as Flag);
  return flags;
}
