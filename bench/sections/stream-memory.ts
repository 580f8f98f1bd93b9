/**
 * Issue 5, memory per stream (target: weir adds at most 16 KiB per open exchange): runs
 * bench/tools/stream-memory.ts (transpiled) once for weir and once for the no-op server. Each
 * run serves in its own process, has the load client hold N exchanges (headers and one 1 KiB
 * JSON chunk answered each), and reports per stream after forced garbage collections what V8
 * holds (heap, ArrayBuffers) and the Hyperscan stream states opened (native memory). weir's
 * increment is its total minus the no-op server's, which is what grpc-js and HTTP/2 hold for a
 * stream whatever the handler. RSS per stream is reported by the memory section; it moves with
 * V8's heap sizing and the allocator more than with what a stream holds.
 */
import { pathOf } from "../harness/paths.js";
import { startChild } from "../harness/processes.js";
import { fmt } from "../harness/stats.js";
import type { Section, SectionContext } from "./section.js";

const TARGET_KIB = 16;

interface StreamMemory {
  readonly heapUsed: number;
  readonly arrayBuffers: number;
  readonly hyperscanStreams: number;
  readonly hyperscanStateBytes: number;
}

async function measure(
  build: URL,
  server: "weir" | "noop",
  streams: number,
): Promise<StreamMemory> {
  const child = startChild(process.execPath, [
    "--expose-gc",
    pathOf(new URL("bench/tools/stream-memory.js", build)),
    ...["--server", server, "--streams", String(streams), "--json"],
  ]);
  try {
    const line = await child.waitFor(
      (l) => (l.includes('"event":"stream-memory"') ? l : undefined),
      300_000,
    );
    return JSON.parse(line) as StreamMemory;
  } finally {
    await child.stop();
  }
}

const kib = (bytes: number) => `${fmt(bytes / 1024)} KiB`;
const total = (m: StreamMemory) => m.heapUsed + m.arrayBuffers + m.hyperscanStateBytes;

export const streamMemorySection: Section = {
  name: "streams",
  async run({ profile, report, fixtures }: SectionContext): Promise<void> {
    const build = await fixtures.built();
    const streams = profile.streamMemoryStreams;
    const weir = await measure(build, "weir", streams);
    const noop = await measure(build, "noop", streams);
    const increment = total(weir) - total(noop);
    const met = increment <= TARGET_KIB * 1024;
    report.add({
      section: "memory",
      measurement: `memory per open exchange, ${streams} held (V8 heap + ArrayBuffers + Hyperscan stream states)`,
      weir: kib(total(weir)),
      baseline: `${kib(total(noop))} (no-op)`,
      ratio: `+${kib(increment)} (target <= ${TARGET_KIB} KiB ${met ? "met" : "MISSED"})`,
      notes:
        `weir: heap ${kib(weir.heapUsed)}, ArrayBuffers ${kib(weir.arrayBuffers)}, ` +
        `${weir.hyperscanStreams} Hyperscan streams ${kib(weir.hyperscanStateBytes)}; ` +
        `no-op: heap ${kib(noop.heapUsed)}, ArrayBuffers ${kib(noop.arrayBuffers)}; ` +
        "after forced GC, in one process each (bench/tools/stream-memory.ts)",
    });
  },
};
