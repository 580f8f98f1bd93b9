/**
 * The engine's own share of a held exchange, without gRPC or the protocol layer: opens N
 * exchange inspectors on the compiled built-in set, feeds each the bench's request headers and
 * one 1 KiB chunk of a JSON body (not the last), and reports per exchange what V8 holds (heap,
 * ArrayBuffers) and the Hyperscan stream states opened, with --snapshot the constructors that
 * grew. Compare with stream-memory.ts, which measures the whole server.
 *
 *   node --expose-gc --import tsx bench/tools/engine-memory.ts [--exchanges 1000] [--snapshot]
 */

import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeHeapSnapshot } from "node:v8";
import { compileEngine } from "../../src/inspect/engine.js";
import type { ExchangeInspector, HeaderEntry } from "../../src/inspect/types.js";
import { loadSignatures } from "../../src/signatures/load.js";
import { benignBody, CONTENT_TYPES } from "../harness/benign-bodies.js";
import { parseFlags } from "../load/flags.js";
import { heapGroups, heapGrowth } from "./heap-snapshot.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const flags = parseFlags(process.argv.slice(2));
const count = Number(flags.get("exchanges") ?? "1000");
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const encoder = new TextEncoder();

const loaded = await loadSignatures(join(REPO, "signatures"), { paranoia: 1 });
const engine = compileEngine(loaded.signatures, { paranoia: 1, hash: loaded.report.hash });
let opened = 0;
let openedBytes = 0;
for (const group of engine.compiled.groups) {
  const db = group.stream;
  if (db === undefined) continue;
  const open = db.openStream.bind(db);
  db.openStream = () => {
    opened++;
    openedBytes += db.streamSizeBytes;
    return open();
  };
}
const headers: HeaderEntry[] = [
  [":method", "POST"],
  [":scheme", "https"],
  [":authority", "shop.example.test"],
  [":path", "/api/v1/orders?source=web&page=2"],
  ["content-type", CONTENT_TYPES.json],
  ["content-length", "8192"],
  ["user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
  ["accept", "application/json"],
  ["cookie", "session=4f2a9c1e8b7d6a5f; theme=dark"],
].map(([key, value]) => ({ key: key as string, value: encoder.encode(value) }));
const chunk = benignBody("json", 8192, 1).subarray(0, 1024);

function open(n: number): ExchangeInspector[] {
  const out: ExchangeInspector[] = [];
  for (let i = 0; i < n; i++) {
    const exchange = engine.openExchange();
    exchange.request.headers(headers, false);
    exchange.request.body(chunk, false);
    out.push(exchange);
  }
  return out;
}

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 4; i++) gc?.();
  return process.memoryUsage();
}

for (const e of open(100)) e.close();
const before = settle();
const snapBefore = flags.has("snapshot")
  ? writeHeapSnapshot(join(tmpdir(), "engine-before.heapsnapshot"))
  : undefined;
opened = 0;
openedBytes = 0;
const held = open(count);
const during = settle();
const snapDuring = flags.has("snapshot")
  ? writeHeapSnapshot(join(tmpdir(), "engine-during.heapsnapshot"))
  : undefined;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
const per = (key: keyof NodeJS.MemoryUsage) => kib((during[key] - before[key]) / count);
process.stdout.write(
  `${JSON.stringify(
    {
      exchanges: count,
      heap_used: per("heapUsed"),
      array_buffers: per("arrayBuffers"),
      hyperscan_streams: opened / count,
      hyperscan_state: kib(openedBytes / count),
    },
    null,
    2,
  )}\n`,
);
if (snapBefore !== undefined && snapDuring !== undefined) {
  for (const g of heapGrowth(heapGroups(snapBefore), heapGroups(snapDuring)).slice(0, 40)) {
    process.stdout.write(
      `  ${kib(g.bytes / count).padStart(11)}  ${(g.count / count).toFixed(1).padStart(6)} x  ${g.key}\n`,
    );
  }
  rmSync(snapBefore);
  rmSync(snapDuring);
}
for (const e of held) e.close();
