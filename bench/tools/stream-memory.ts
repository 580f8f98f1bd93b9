/**
 * Where the memory of held ext_proc streams goes, measured in one process: starts weir's
 * ext_proc server (the built-in set, default policy, metrics observer) or the no-op baseline
 * in this process, has the load client (a child process) open N exchanges and hold them
 * (headers and one 1 KiB JSON chunk answered each), and reports per stream, after forced
 * garbage collections: V8 heap used, external and ArrayBuffer memory, RSS, and the Hyperscan
 * stream states opened (counted by wrapping openStream: they live in native memory, outside
 * V8's figures). With --snapshot it also writes heap snapshots before and while holding and
 * prints which constructors grew, per stream.
 *
 *   node --expose-gc --import tsx bench/tools/stream-memory.ts [--server weir|noop]
 *        [--streams 1000] [--snapshot] [--top 25] [--json]
 *
 * (Under tsx every closure carries a name property that plain JavaScript does not, about
 * 0.25 KiB each: `npm run bench` runs it from the transpiled build, and so should a
 * comparison.)
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { writeHeapSnapshot } from "node:v8";
import { ExternalProcessor } from "../../src/gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import { compileEngine } from "../../src/inspect/engine.js";
import { createMetrics } from "../../src/metrics/metrics.js";
import { MetricsObserver } from "../../src/metrics/observer.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";
import { startGrpcServer } from "../../src/server/grpc-server.js";
import { fixedRuntime, startExtProcServer } from "../../src/server/index.js";
import { serviceDefinition } from "../../src/server/service-definition.js";
import { loadSignatures } from "../../src/signatures/load.js";
import { parseFlags } from "../load/flags.js";
import { noopProcess } from "../load/noop-processor.js";
import { heapGroups, heapGrowth } from "./heap-snapshot.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const flags = parseFlags(process.argv.slice(2));
const kind = flags.get("server") ?? "weir";
const streams = Number(flags.get("streams") ?? "1000");
const top = Number(flags.get("top") ?? "25");
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");

let nativeStreams = 0;
let nativeStreamBytes = 0;

async function startServer(): Promise<{ port: number; close(): void }> {
  if (kind === "noop") {
    const s = await startGrpcServer({ listen: "127.0.0.1:0", log: () => {} }, (server) => {
      server.addService(serviceDefinition(ExternalProcessor), { process: noopProcess });
    });
    return { port: s.port, close: () => s.forceClose() };
  }
  const loaded = await loadSignatures(join(REPO, "signatures"), { paranoia: 1 });
  const engine = compileEngine(loaded.signatures, { paranoia: 1, hash: loaded.report.hash });
  for (const group of engine.compiled.groups) {
    const db = group.stream;
    if (db === undefined) continue;
    const open = db.openStream.bind(db);
    db.openStream = () => {
      nativeStreams++;
      nativeStreamBytes += db.streamSizeBytes;
      return open();
    };
  }
  const s = await startExtProcServer({
    listen: "127.0.0.1:0",
    runtime: fixedRuntime(() => engine, DEFAULT_POLICY),
    observer: new MetricsObserver(createMetrics()),
    log: () => {},
  });
  return { port: s.port, close: () => s.forceClose() };
}

/** Starts the load client holding `count` streams; resolves once they are held. */
async function hold(port: number, count: number): Promise<() => Promise<void>> {
  // The load client next to this file: TypeScript under tsx, or the bench build's JavaScript.
  const client = fileURLToPath(
    new URL(`../load-client${extname(import.meta.url)}`, import.meta.url),
  );
  const loader = client.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(
    process.execPath,
    [
      ...[...loader, client, "hold"],
      ...["--target", `127.0.0.1:${port}`, "--streams", String(count)],
      ...["--chunk-bytes", "1024", "--kind", "json"],
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (!line.includes('"holding"')) return;
      const held = (JSON.parse(line) as { streams: number }).streams;
      if (held === count) resolve();
      else reject(new Error(`only ${held} of ${count} streams held: ${line}`));
    });
    child.once("exit", () => reject(new Error("load client exited early")));
  });
  return async () => {
    child.kill("SIGTERM");
    await exited;
  };
}

async function settle(): Promise<NodeJS.MemoryUsage> {
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < 4; i++) gc?.();
  await new Promise((r) => setTimeout(r, 50));
  gc?.();
  return process.memoryUsage();
}

const server = await startServer();
// Warm-up: grpc-js, HTTP/2 and the exchange paths allocate their lazily built structures once.
await (await hold(server.port, Math.min(streams, 100)))();
const before = await settle();
const dir = tmpdir();
const snapBefore = flags.has("snapshot")
  ? writeHeapSnapshot(join(dir, "weir-before.heapsnapshot"))
  : undefined;
nativeStreams = 0;
nativeStreamBytes = 0;
const release = await hold(server.port, streams);
const during = await settle();
const snapDuring = flags.has("snapshot")
  ? writeHeapSnapshot(join(dir, "weir-during.heapsnapshot"))
  : undefined;

const per = (key: keyof NodeJS.MemoryUsage) => (during[key] - before[key]) / streams;
/** Bytes per stream; `heap` and `arrayBuffers` are what the stream holds in V8, `rss` is noisy. */
const measured = {
  event: "stream-memory",
  server: kind,
  streams,
  heapUsed: per("heapUsed"),
  heapTotal: per("heapTotal"),
  external: per("external"),
  arrayBuffers: per("arrayBuffers"),
  rss: per("rss"),
  hyperscanStreams: nativeStreams / streams,
  hyperscanStateBytes: nativeStreamBytes / streams,
};
const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
if (flags.has("json")) {
  process.stdout.write(`${JSON.stringify(measured)}\n`);
} else {
  process.stdout.write(
    `${kind}, ${streams} streams held, per stream: heap used ${kib(measured.heapUsed)}, ` +
      `ArrayBuffers ${kib(measured.arrayBuffers)}, Hyperscan stream states ` +
      `${kib(measured.hyperscanStateBytes)} (${measured.hyperscanStreams} streams), ` +
      `RSS ${kib(measured.rss)} (noisy: heap growth and allocator pages)\n`,
  );
}
if (snapBefore !== undefined && snapDuring !== undefined) {
  const growth = heapGrowth(heapGroups(snapBefore), heapGroups(snapDuring));
  const total = growth.reduce((n, g) => n + g.bytes, 0);
  process.stdout.write(`heap growth by constructor, per stream (total ${kib(total / streams)}):\n`);
  for (const g of growth.slice(0, top)) {
    process.stdout.write(
      `  ${kib(g.bytes / streams).padStart(11)}  ${(g.count / streams).toFixed(1).padStart(6)} x  ${g.key}\n`,
    );
  }
  rmSync(snapBefore);
  rmSync(snapDuring);
}
await release();
server.close();
process.exit(0);
