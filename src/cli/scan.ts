/**
 * `weir scan FILE`: decide one request offline, as `weir serve` would with the same settings.
 * The request is replayed as Envoy would send it (headers, then the body as one chunk) and
 * the policy decides after each message. Prints the decision and what matched; the exit
 * status tells the decision, so scripts and CI can use it.
 */
import { readFileSync } from "node:fs";
import { policyOf } from "../config/serve-config.js";
import type { Environment } from "../config/setting.js";
import { resolveScanConfig, SCAN_SETTINGS, type ScanConfig } from "../config/tool-config.js";
import type { InspectionEngine, Match } from "../inspect/types.js";
import { decide, type PolicyConfig } from "../policy/decide.js";
import type { Decision } from "../policy/decision.js";
import { parseArgs } from "./args.js";
import type { CliIo, CommandSpec, Parsed } from "./command-spec.js";
import { compileSignatureSet, loadSignatureSet } from "./engine-wiring.js";
import { parseRequestFile, type RequestFile } from "./http-request-file.js";

export const SCAN_EXIT = { allow: 0, block: 1, usage: 2, detect: 3, failure: 4 } as const;

export const SCAN_COMMAND: CommandSpec = {
  name: "scan",
  summary: "Decide one HTTP request from a file, as weir serve would.",
  description: [
    "FILE holds one raw HTTP/1.1 request: the request line, headers, a blank line, then the " +
      "body (CRLF or LF line endings; Content-Length and chunked bodies are honoured). Use - " +
      "to read standard input. Prints the decision and every match (signature id, family, " +
      "severity, target and field name).",
  ],
  settings: SCAN_SETTINGS,
  switches: [{ flag: "json", help: "print one JSON object instead of text" }],
  positionals: [{ name: "FILE", help: "the request file, or - for standard input" }],
  exitStatus: [
    `${SCAN_EXIT.allow}  allow: nothing matched`,
    `${SCAN_EXIT.block}  block: weir would refuse the request`,
    `${SCAN_EXIT.usage}  bad flag or setting, or FILE is not an HTTP request`,
    `${SCAN_EXIT.detect}  detect: signatures matched below the threshold, or --mode detect`,
    `${SCAN_EXIT.failure}  the signatures could not be loaded or compiled`,
    "   (a signature file failed whole, or none loaded)",
  ],
  examples: [
    "printf 'GET /?id=1%%27%%20OR%%201=1-- HTTP/1.1\\nHost: x\\n\\n' | weir scan -",
    "weir scan --json --paranoia 2 request.http",
  ],
};

export function parseScanArgs(argv: readonly string[], env: Environment): Parsed<ScanConfig> {
  const args = parseArgs(SCAN_COMMAND, argv);
  if (args.help) return { help: true };
  const file = args.positionals[0] as string;
  return {
    help: false,
    config: resolveScanConfig(file, args.switches.has("json"), args.flags, env),
  };
}

/** Replays the request through a fresh exchange and returns the decision that stands. */
export async function scanRequest(
  engine: InspectionEngine,
  request: RequestFile,
  policy: PolicyConfig,
): Promise<Decision> {
  const exchange = engine.openExchange();
  try {
    const all: Match[] = [];
    let standing: Decision = { kind: "allow" };
    const step = (fresh: readonly Match[]): boolean => {
      all.push(...fresh);
      const decision = decide(all, fresh, policy);
      if (decision.kind !== "allow") standing = decision;
      return decision.kind === "block";
    };
    const hasBody = request.body.length > 0;
    if (step(exchange.request.headers(request.headers, !hasBody))) return standing;
    if (hasBody) step(await exchange.request.body(request.body, true));
    return standing;
  } finally {
    exchange.close();
  }
}

export async function runScan(
  config: ScanConfig,
  io: CliIo,
  stdin: () => Uint8Array,
): Promise<number> {
  let request: RequestFile;
  try {
    request = parseRequestFile(config.file === "-" ? stdin() : readFileSync(config.file));
  } catch (error: unknown) {
    io.err(
      `weir scan: ${config.file}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return SCAN_EXIT.usage;
  }
  let engine: InspectionEngine;
  try {
    const set = await loadSignatureSet(config.signaturesDir, config.paranoia);
    if (set.unusable !== undefined) {
      io.err(`weir scan: ${set.unusable}\n`);
      return SCAN_EXIT.failure;
    }
    engine = (await compileSignatureSet(set, config.paranoia, config.cacheDir)).engine;
  } catch (error: unknown) {
    io.err(`weir scan: ${error instanceof Error ? error.message : String(error)}\n`);
    return SCAN_EXIT.failure;
  }
  const decision = await scanRequest(engine, request, policyOf(config));
  io.out(config.json ? `${JSON.stringify(scanJson(decision))}\n` : scanText(decision, config));
  return SCAN_EXIT[decision.kind];
}

export function scanJson(decision: Decision): object {
  if (decision.kind === "allow") return { decision: "allow", score: 0, matches: [] };
  return {
    decision: decision.kind,
    ...(decision.kind === "block" ? { status: decision.status, reason: decision.reason } : {}),
    score: decision.score,
    matches: decision.matches.map((m) => ({
      signature_id: m.signatureId,
      family: m.family,
      severity: m.severity,
      score: m.score,
      target: m.target,
      field: m.field,
    })),
  };
}

export function scanText(
  decision: Decision,
  config: Pick<ScanConfig, "mode" | "threshold">,
): string {
  const policy = `mode ${config.mode}, threshold ${config.threshold}`;
  if (decision.kind === "allow") return `allow: nothing matched (${policy})\n`;
  const head =
    decision.kind === "block"
      ? `block: status ${decision.status}, reason ${decision.reason}, score ${decision.score} (${policy})`
      : `detect: score ${decision.score}, not blocked (${policy})`;
  const rows = decision.matches.map((m) => [
    String(m.signatureId),
    m.family,
    m.severity,
    m.target,
    m.field === "" ? "-" : JSON.stringify(m.field),
  ]);
  return `${head}\n${table([["id", "family", "severity", "target", "field"], ...rows])}`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows
    .map(
      (r) =>
        `  ${r
          .map((cell, c) => cell.padEnd(widths[c] ?? 0))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}
