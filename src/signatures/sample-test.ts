/**
 * Runs every signature's samples through real Hyperscan: each pattern is compiled alone (block
 * mode, its flags plus singlematch, as the compiler does), each sample is passed through the
 * signature's transforms and scanned, and every `match` sample must match while no `nomatch`
 * sample may. This is what `weir signatures test` and the test suite run on the built-in set.
 *
 * A signature that validates or redacts (leak-fields.ts) is compiled as the leak set compiles
 * it: with start offsets and every occurrence reported. A sample then matches when some
 * occurrence passes the validator and, for a redacting signature, leaves bytes to replace
 * after `redact_after`.
 */
import { Database, type Flag, HyperscanError, MatchBuffer } from "hyperscan-js";
import { createTransform } from "../decode/transforms/index.js";
import { redactedStart } from "../redact/span.js";
import { validates } from "../redact/validators.js";
import type { Sample, Signature, SourceRef } from "./types.js";

export type SampleKind = "match" | "nomatch";

export interface SampleFailure {
  readonly id: number;
  readonly source: SourceRef;
  /** "match"/"nomatch" for a wrong verdict; "compile"/"transform" when no verdict was possible. */
  readonly kind: SampleKind | "compile" | "transform";
  /** Index in samples.match or samples.nomatch; -1 for compile failures. */
  readonly index: number;
  /** "file:line: signature <id>: samples.match[2] "..." did not match" */
  readonly message: string;
}

export interface SignatureSampleResult {
  readonly id: number;
  readonly passed: number;
  readonly failures: readonly SampleFailure[];
}

export interface SampleRunResult {
  /** Samples that gave the expected verdict, over all signatures. */
  readonly passed: number;
  readonly failures: readonly SampleFailure[];
  readonly signatures: readonly SignatureSampleResult[];
}

export async function runSamples(signatures: readonly Signature[]): Promise<SampleRunResult> {
  const results = signatures.map((sig) => runSignatureSamples(sig));
  return {
    passed: results.reduce((sum, r) => sum + r.passed, 0),
    failures: results.flatMap((r) => r.failures),
    signatures: results,
  };
}

export function runSignatureSamples(sig: Signature): SignatureSampleResult {
  const where = `${sig.source.file}:${sig.source.line}: signature ${sig.id}`;
  const failure = (kind: SampleFailure["kind"], index: number, text: string): SampleFailure => ({
    id: sig.id,
    source: sig.source,
    kind,
    index,
    message: `${where}: ${text}`,
  });
  const leak = sig.validate !== undefined || sig.redact !== undefined;
  let db: Database;
  try {
    const flags: Flag[] = [leak ? "somLeftmost" : "singlematch", ...sig.flags];
    db = Database.compile([{ pattern: sig.pattern, id: 0, flags }], "block");
  } catch (error: unknown) {
    if (!(error instanceof HyperscanError)) throw error;
    return {
      id: sig.id,
      passed: 0,
      failures: [failure("compile", -1, `pattern does not compile: ${error.message}`)],
    };
  }
  const longest = Math.max(...[...sig.samples.match, ...sig.samples.nomatch].map(sampleLength));
  const buffer = new MatchBuffer(leak ? longest + 1 : 1);
  const failures: SampleFailure[] = [];
  let passed = 0;
  try {
    for (const kind of ["match", "nomatch"] as const) {
      sig.samples[kind].forEach((sample, index) => {
        const label = `samples.${kind}[${index}] ${printable(sample)}`;
        let bytes: Uint8Array;
        try {
          bytes = applyTransforms(sig.transforms, toBytes(sample));
        } catch (error: unknown) {
          const why = error instanceof Error ? error.message : String(error);
          failures.push(failure("transform", index, `${label}: transforms failed: ${why}`));
          return;
        }
        buffer.clear();
        const scanned = db.scan(bytes, buffer) > 0;
        const verdict = leak ? leakVerdict(sig, bytes, buffer) : scanned ? "match" : "none";
        const matched = verdict === "match";
        if (matched === (kind === "match")) passed++;
        else if (verdict === "empty")
          failures.push(
            failure(kind, index, `${label} matched, but redact_after leaves nothing to redact`),
          );
        else
          failures.push(
            failure(kind, index, `${label} ${matched ? "matched but must not" : "did not match"}`),
          );
      });
    }
  } finally {
    db.close();
  }
  return { id: sig.id, passed, failures };
}

/**
 * A leak signature's verdict on scanned bytes: "match" when some occurrence validates and has
 * bytes to redact, "empty" when occurrences validate but redact_after leaves nothing of them.
 */
function leakVerdict(
  sig: Signature,
  bytes: Uint8Array,
  buffer: MatchBuffer,
): "match" | "empty" | "none" {
  const delimiters = new TextEncoder().encode(sig.redactAfter ?? "");
  let verdict: "empty" | "none" = "none";
  for (let i = 0; i < buffer.count; i++) {
    const from = buffer.from[i] ?? 0;
    const to = buffer.to[i] ?? 0;
    if (sig.validate !== undefined && !validates(sig.validate, bytes, from, to)) continue;
    if (sig.redact === undefined || redactedStart(bytes, 0, from, to, delimiters) < to) {
      return "match";
    }
    verdict = "empty";
  }
  return verdict;
}

function sampleLength(sample: Sample): number {
  return typeof sample === "string" ? Buffer.byteLength(sample, "utf8") : sample.length;
}

/** A sample after the signature's transforms, applied in order, each to the whole value. */
export function applyTransforms(names: readonly string[], input: Uint8Array): Uint8Array {
  let value = input;
  for (const name of names) {
    const transform = createTransform(name);
    const parts: Uint8Array[] = [];
    const emit = (out: Uint8Array) => parts.push(out.slice());
    transform.push(value, emit);
    transform.flush(emit);
    value = Buffer.concat(parts);
  }
  return value;
}

export function toBytes(sample: Sample): Uint8Array {
  return typeof sample === "string" ? Buffer.from(sample, "utf8") : sample;
}

/** A sample as it appears in a message: JSON-quoted text or hex bytes, cut at 80 characters. */
export function printable(sample: Sample): string {
  const text =
    typeof sample === "string"
      ? JSON.stringify(sample)
      : `hex:${Buffer.from(sample).toString("hex")}`;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The text block `weir signatures test` prints after the load report. */
export function formatSampleResults(result: SampleRunResult): string {
  const lines = [`samples: ${result.passed} passed, ${result.failures.length} failed`];
  for (const f of result.failures) lines.push(`  ${f.message}`);
  return `${lines.join("\n")}\n`;
}
