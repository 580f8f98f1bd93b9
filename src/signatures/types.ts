/**
 * The signature file format as types: what one entry of signatures/<family>.yaml becomes once
 * it is loaded and validated. The compiler (compile.ts), the sample runner and the load report
 * read these. The human reference of the same contract is signatures/README.md; keep the two
 * in step.
 */
import type { Family, Severity, Target } from "../inspect/types.js";
import type { RedactChoice } from "../redact/options.js";
import type { ValidatorName } from "../redact/validators.js";

/** Hyperscan flags a signature may ask for; singlematch is always added by the compiler. */
export const SIGNATURE_FLAGS = ["caseless", "dotall", "multiline"] as const;
export type SignatureFlag = (typeof SIGNATURE_FLAGS)[number];

/** CRS transform names a signature may apply before matching, in the order listed. */
export const TRANSFORM_NAMES = [
  "lowercase",
  "urlDecodeUni",
  "htmlEntityDecode",
  "removeNulls",
  "compressWhitespace",
  "replaceComments",
  "removeWhitespace",
  "jsDecode",
  "cssDecode",
  "cmdLine",
  "normalizePath",
  "normalizePathWin",
  "utf8toUnicode",
  "base64Decode",
] as const;
export type TransformName = (typeof TRANSFORM_NAMES)[number];

export const PARANOIA_LEVELS = [1, 2, 3, 4] as const;
export type ParanoiaLevel = (typeof PARANOIA_LEVELS)[number];

/**
 * Targets whose values come with a name that a selector can pick: a header name, a cookie
 * name, a form/JSON field name, or (for args_names) the name of the enclosing JSON object.
 */
export const NAMED_TARGETS: ReadonlySet<Target> = new Set<Target>([
  "args",
  "args_names",
  "request_headers",
  "request_cookies",
  "response_headers",
]);

/** One target of a signature, optionally narrowed to one name (`request_headers:user-agent`). */
export interface TargetRef {
  readonly target: Target;
  /** Header selectors are lower-case (Envoy lower-cases header names); others as written. */
  readonly selector?: string;
}

/** A sample value: text (matched as its UTF-8 bytes) or raw bytes (YAML `!!binary`). */
export type Sample = string | Uint8Array;

/**
 * Values as the target delivers them (after weir's URL, form and JSON decoding), before the
 * signature's own transforms: the sample runner applies those first.
 */
export interface SignatureSamples {
  readonly match: readonly Sample[];
  readonly nomatch: readonly Sample[];
}

/** Where a signature was defined, for every message about it. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

export interface Signature {
  /** Stable id, unique across all files, inside its family's range (id-ranges.ts). */
  readonly id: number;
  readonly name: string;
  readonly family: Family;
  readonly severity: Severity;
  readonly paranoia: ParanoiaLevel;
  readonly targets: readonly TargetRef[];
  readonly transforms: readonly TransformName[];
  /** Hyperscan regular expression. */
  readonly pattern: string;
  readonly flags: readonly SignatureFlag[];
  readonly tags: readonly string[];
  readonly samples: SignatureSamples;
  readonly source: SourceRef;
  /** A check the matched bytes must pass before a hit counts (response targets only). */
  readonly validate?: ValidatorName;
  /** Matches are replaced in flight in FULL_DUPLEX_STREAMED response bodies (leak-fields.ts). */
  readonly redact?: RedactChoice;
  /** With `redact`: only the bytes after the last of these characters in a match are replaced. */
  readonly redactAfter?: string;
}

export function isSignatureFlag(value: string): value is SignatureFlag {
  return (SIGNATURE_FLAGS as readonly string[]).includes(value);
}

export function isTransformName(value: string): value is TransformName {
  return (TRANSFORM_NAMES as readonly string[]).includes(value);
}

export function isParanoiaLevel(value: unknown): value is ParanoiaLevel {
  return (PARANOIA_LEVELS as readonly unknown[]).includes(value);
}

/** `file:line: signature <id>: ` — the prefix of every message about one signature. */
export function signatureWhere(source: SourceRef, id: number | string): string {
  return `${source.file}:${source.line}: signature ${id}`;
}
