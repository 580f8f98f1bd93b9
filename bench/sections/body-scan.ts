/**
 * Issue 2, figure 2: request body scan throughput through the engine, the way the server
 * drives it (openExchange, request.headers with a Content-Type, request.body per chunk),
 * against the native ceiling: bench/native/hs-stream-baseline.c scanning the same bytes, in
 * the same body and chunk sizes, with the same serialized stream databases that weir scans
 * the raw request body with (every stream database with a request_body member). For form and JSON bodies weir additionally decodes fields and
 * scans each value with the `args` groups; the baseline stays the raw-body scan, so their
 * ratio shows what decoding costs on top.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import type { CompiledEngine } from "../../src/inspect/engine.js";
import { type HeaderEntry, isPending } from "../../src/inspect/types.js";
import { BODY_KINDS, type BodyKind, CONTENT_TYPES } from "../harness/benign-bodies.js";
import { buildNativeBaseline } from "../harness/build.js";
import { bodyFile, type DataFile } from "../harness/data-files.js";
import { CACHE, pathOf } from "../harness/paths.js";
import { type Contender, fmt, interleaved, median } from "../harness/stats.js";
import type { Section, SectionContext } from "./section.js";

const run = promisify(execFile);
const encoder = new TextEncoder();
/** Ratio the raw-body scan should reach against the C baseline (issue 2). */
const RAW_TARGET = 0.5;

interface ScanResult {
  readonly mbps: number;
  readonly bytes: number;
  readonly matches: number;
}

/** Writes the engine's raw-body stream databases where the C baseline reads them. */
function serializeRawBodyDatabases(engine: CompiledEngine): string[] {
  const dir = new URL("db/", CACHE);
  mkdirSync(pathOf(dir), { recursive: true });
  const paths: string[] = [];
  for (const group of engine.compiled.groups) {
    if (!group.targets.has("request_body") || group.stream === undefined) continue;
    const path = pathOf(new URL(`request_body-${paths.length}.hsdb`, dir));
    writeFileSync(path, group.stream.serialize());
    paths.push(path);
  }
  return paths;
}

function requestHeaders(kind: BodyKind): HeaderEntry[] {
  const headers: [string, string][] = [
    [":method", "POST"],
    [":scheme", "http"],
    [":authority", "shop.example.test"],
    [":path", "/api/v1/orders?source=web&page=2"],
    ["content-type", CONTENT_TYPES[kind]],
    ["user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
    ["accept", "application/json"],
  ];
  return headers.map(([key, value]) => ({ key, value: encoder.encode(value) }));
}

/** Scans whole bodies from the start of the file until its end or `seconds` have passed. */
async function scanWithWeir(
  engine: CompiledEngine,
  kind: BodyKind,
  data: DataFile,
  bodyBytes: number,
  chunkBytes: number,
  seconds: number,
): Promise<ScanResult> {
  const headers = requestHeaders(kind);
  let matches = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let body = 0;
  for (; body + bodyBytes <= data.bytes.length && performance.now() < deadline; body += bodyBytes) {
    const exchange = engine.openExchange();
    matches += exchange.request.headers(headers, false).length;
    for (let off = 0; off < bodyBytes; off += chunkBytes) {
      const end = Math.min(off + chunkBytes, bodyBytes);
      const chunk = data.bytes.subarray(body + off, body + end);
      const found = exchange.request.body(chunk, end === bodyBytes);
      // A promise only while a Content-Encoding is undone; these bodies have none.
      matches += (isPending(found) ? await found : found).length;
    }
    exchange.close();
  }
  const elapsed = (performance.now() - started) / 1000;
  return { mbps: body / elapsed / 1e6, bytes: body, matches };
}

async function scanWithBaseline(
  binary: string,
  databases: readonly string[],
  data: DataFile,
  bodyBytes: number,
  chunkBytes: number,
  seconds: number,
): Promise<ScanResult> {
  const warmup = Math.min(data.bytes.length, 4 * 1024 * 1024);
  const args = [data.path, bodyBytes, chunkBytes, warmup, seconds, ...databases].map(String);
  const { stdout } = await run(binary, args, { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout) as ScanResult;
  return { mbps: result.mbps, bytes: result.bytes, matches: result.matches };
}

export const bodyScanSection: Section = {
  name: "body",
  async run({ profile, report, fixtures }: SectionContext): Promise<void> {
    const binary = buildNativeBaseline();
    const engine = await fixtures.defaultEngine();
    const databases = serializeRawBodyDatabases(engine);
    if (databases.length === 0) {
      report.problem("body scan: the built-in set has no request_body stream group");
      return;
    }
    const bodyBytes = profile.scanBodyBytes;
    const count = Math.max(1, Math.floor(profile.scanBytes / bodyBytes));
    const files = new Map(BODY_KINDS.map((kind) => [kind, bodyFile(kind, bodyBytes, count)]));
    const seconds = profile.scanSeconds;
    // Warm the engine's code paths once for every kind before any timed run.
    for (const [kind, data] of files) {
      await scanWithWeir(engine, kind, data, bodyBytes, 16 * 1024, 0.5);
    }

    const contenders: Contender<ScanResult>[] = [];
    for (const kind of BODY_KINDS) {
      const data = files.get(kind) as DataFile;
      for (const chunk of profile.scanChunkSizes) {
        contenders.push(
          {
            name: `weir ${kind} ${chunk}`,
            run: () => scanWithWeir(engine, kind, data, bodyBytes, chunk, seconds),
          },
          {
            name: `c ${kind} ${chunk}`,
            run: () => scanWithBaseline(binary, databases, data, bodyBytes, chunk, seconds),
          },
        );
      }
    }
    // The warm-up pass above replaces per-configuration warm-up rounds (they would double the
    // section's time); the C baseline warms up inside each run.
    const results = await interleaved(contenders, 0, profile.repetitions);

    for (const kind of BODY_KINDS) {
      for (const chunk of profile.scanChunkSizes) {
        const weir = results.get(`weir ${kind} ${chunk}`) ?? [];
        const c = results.get(`c ${kind} ${chunk}`) ?? [];
        const weirMbps = median(weir.map((r) => r.mbps));
        const cMbps = median(c.map((r) => r.mbps));
        const ratio = weirMbps / cMbps;
        const target =
          kind === "raw"
            ? ratio >= RAW_TARGET
              ? " (target >= 0.5 met)"
              : " (target >= 0.5 MISSED)"
            : "";
        report.add({
          section: "body scan",
          measurement: `${kind} (${CONTENT_TYPES[kind]}), ${chunk / 1024} KiB chunks`,
          weir: `${fmt(weirMbps)} MB/s`,
          baseline: `${fmt(cMbps)} MB/s (C)`,
          ratio: `${ratio.toFixed(2)}${target}`,
          notes:
            `bodies of ${bodyBytes / 1024} KiB; per run up to ${fmt(profile.scanBytes / 2 ** 20)} MiB ` +
            `or ${seconds} s: weir scanned ${fmt(median(weir.map((r) => r.bytes)) / 2 ** 20)} MiB, ` +
            `C ${fmt(median(c.map((r) => r.bytes)) / 2 ** 20)} MiB; ` +
            `${databases.length} stream databases scan the raw body; matches weir ${weir[0]?.matches ?? 0}, C ${c[0]?.matches ?? 0}` +
            (kind === "raw" ? "" : "; weir also decodes fields and scans args groups"),
        });
      }
    }
  },
};
