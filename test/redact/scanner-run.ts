/**
 * Runs the leak scanner (src/redact/leak-scanner.ts) over a body cut into chunks, as the
 * response inspector drives it in FULL_DUPLEX_STREAMED, and gathers what it wrote, what it
 * redacted and how many bytes it held back at most.
 */
import { fileURLToPath } from "node:url";
import { LeakScanner } from "../../src/redact/leak-scanner.js";
import type { RedactionOptions } from "../../src/redact/options.js";
import { type CompiledSignatures, compileSignatures } from "../../src/signatures/compile.js";
import type { LeakSet } from "../../src/signatures/compile-leaks.js";
import { loadSignatureFiles } from "../../src/signatures/load.js";
import type { Signature } from "../../src/signatures/types.js";

export const BUILT_IN_LEAKAGE = fileURLToPath(
  new URL("../../signatures/leakage.yaml", import.meta.url),
);
export const NARROW = fileURLToPath(
  new URL("../fixtures/redact/signatures/narrow.yaml", import.meta.url),
);

export interface LoadedLeakSet {
  readonly signatures: readonly Signature[];
  readonly set: LeakSet;
  readonly compiled: CompiledSignatures;
}

export async function loadLeakSet(
  file: string,
  redaction?: RedactionOptions,
): Promise<LoadedLeakSet> {
  const { signatures, report } = await loadSignatureFiles([file]);
  if (report.failed.length > 0) throw new Error(report.failed[0]?.error);
  const compiled = compileSignatures(signatures, { paranoia: 1, redaction });
  if (compiled.leaks === undefined) throw new Error(`${file}: no leak set compiled`);
  if (compiled.failures.length > 0) throw new Error(compiled.failures[0]?.error);
  return { signatures, set: compiled.leaks, compiled };
}

export interface ScannerRun {
  readonly output: Uint8Array;
  /** Occurrences per signature id. */
  readonly occurrences: Record<number, number>;
  readonly maskedBytes: number;
  readonly maxHeld: number;
  readonly late: number;
  /** Findings (signature ids) of members that do not redact. */
  readonly findings: number[];
}

export function runScanner(set: LeakSet, chunks: readonly Uint8Array[]): ScannerRun {
  const scanner = new LeakScanner(set);
  if (!scanner.startRewriting()) throw new Error("the leak set does not redact");
  const parts: Uint8Array[] = [];
  const occurrences: Record<number, number> = {};
  const findings: number[] = [];
  let maskedBytes = 0;
  let maxHeld = 0;
  const take = () => {
    parts.push(...scanner.takeOutput());
    const redactions = scanner.takeRedactions();
    for (const m of redactions?.matches ?? []) {
      occurrences[m.signatureId] = (occurrences[m.signatureId] ?? 0) + 1;
    }
    maskedBytes += redactions?.maskedBytes ?? 0;
    findings.push(...scanner.takeFresh().map((m) => m.signatureId));
  };
  try {
    for (const chunk of chunks) {
      scanner.body(chunk);
      maxHeld = Math.max(maxHeld, scanner.heldBytes);
      take();
    }
    scanner.endBody();
    take();
    return {
      output: Buffer.concat(parts),
      occurrences,
      maskedBytes,
      maxHeld,
      late: scanner.late,
      findings: findings.sort((a, b) => a - b),
    };
  } finally {
    scanner.close();
  }
}

/** `body` cut at the given offsets (sorted, deduplicated, inside the body). */
export function cut(body: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const points = [...new Set(offsets.filter((o) => o > 0 && o < body.length))].sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, body.length]) {
    chunks.push(body.subarray(start, point));
    start = point;
  }
  return chunks;
}
