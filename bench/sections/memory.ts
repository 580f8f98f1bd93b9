/**
 * Issue 2, figure 4 (invariant I1): the server's resident memory idle, with many exchanges
 * held open at once (headers and one body chunk answered each), and at its peak during one
 * large streamed upload against one small one. weir and the no-op server are measured side by
 * side, so what grpc-js itself holds is visible. Peaks come from VmHWM, reset before each
 * phase through /proc/PID/clear_refs, and from VmRSS sampled every 20 ms.
 */
import type { RunningServer } from "../harness/fixtures.js";
import { holdStreams, runUpload, type UploadResult } from "../harness/load-runs.js";
import { memoryOf, resetPeak, sampleRss } from "../harness/processes.js";
import { fmt, median } from "../harness/stats.js";
import type { Section, SectionContext } from "./section.js";

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

function mib(bytes: number): string {
  return `${fmt(bytes / MiB)} MiB`;
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface UploadPeak {
  readonly peakBytes: number;
  readonly upload: UploadResult;
}

async function uploadPeak(build: URL, server: RunningServer, bytes: number): Promise<UploadPeak> {
  const pid = server.child.pid;
  const hwmReset = resetPeak(pid);
  const sampler = sampleRss(pid);
  const upload = await runUpload(build, server.target, bytes, CHUNK);
  const sampled = sampler.stop();
  const peakBytes = hwmReset ? Math.max(sampled, memoryOf(pid).hwmBytes) : sampled;
  return { peakBytes, upload };
}

export const memorySection: Section = {
  name: "memory",
  async run({ profile, report, fixtures }: SectionContext): Promise<void> {
    const build = await fixtures.built();
    const servers: RunningServer[] = [await fixtures.weir(), await fixtures.noop()];
    const [weir, noop] = servers as [RunningServer, RunningServer];
    await settle(1000);
    const idle = servers.map((s) => memoryOf(s.child.pid).rssBytes);
    report.add({
      section: "memory",
      measurement: "RSS idle (after start, before any stream)",
      weir: mib(idle[0] ?? 0),
      baseline: `${mib(idle[1] ?? 0)} (no-op)`,
      ratio: ((idle[0] ?? 0) / (idle[1] ?? 1)).toFixed(2),
      notes: "weir holds the compiled databases and one scratch per database",
    });

    // Warm-up: one small upload each, so the uploads below measure steady state.
    for (const server of servers)
      await runUpload(build, server.target, profile.smallUploadBytes, CHUNK);

    const small: Map<RunningServer, UploadPeak[]> = new Map(servers.map((s) => [s, []]));
    for (let r = 0; r < profile.repetitions; r++) {
      for (const server of servers) {
        small.get(server)?.push(await uploadPeak(build, server, profile.smallUploadBytes));
      }
    }
    const smallPeak = (s: RunningServer) => median((small.get(s) ?? []).map((p) => p.peakBytes));
    report.add({
      section: "memory",
      measurement: `peak RSS during one ${mib(profile.smallUploadBytes)} upload (64 KiB chunks)`,
      weir: mib(smallPeak(weir)),
      baseline: `${mib(smallPeak(noop))} (no-op)`,
      ratio: (smallPeak(weir) / smallPeak(noop)).toFixed(2),
      notes: `median of ${profile.repetitions}`,
    });

    const large = new Map<RunningServer, UploadPeak>();
    for (const server of servers)
      large.set(server, await uploadPeak(build, server, profile.largeUploadBytes));
    const weirLarge = large.get(weir);
    const noopLarge = large.get(noop);
    if (weirLarge !== undefined && noopLarge !== undefined) {
      const growth = weirLarge.peakBytes - smallPeak(weir);
      report.add({
        section: "memory",
        measurement: `peak RSS during one ${mib(profile.largeUploadBytes)} upload (64 KiB chunks)`,
        weir: mib(weirLarge.peakBytes),
        baseline: `${mib(noopLarge.peakBytes)} (no-op)`,
        ratio: (weirLarge.peakBytes / noopLarge.peakBytes).toFixed(2),
        notes:
          `${growth >= 0 ? "+" : ""}${mib(growth)} over the ${mib(profile.smallUploadBytes)} upload's peak; ` +
          `one stream at ${fmt(weirLarge.upload.mbps)} MB/s (no-op ${fmt(noopLarge.upload.mbps)} MB/s); ` +
          `outcome ${weirLarge.upload.outcome}`,
      });
      if (weirLarge.upload.outcome !== "completed") {
        report.problem(`large upload through weir ended ${weirLarge.upload.outcome}`);
      }
    }

    const beforeRss = new Map<RunningServer, number>();
    const heldRss = new Map<RunningServer, number>();
    const afterRss = new Map<RunningServer, number>();
    let held = 0;
    for (const server of servers) {
      beforeRss.set(server, memoryOf(server.child.pid).rssBytes);
      const hold = await holdStreams(build, server.target, profile.heldStreams);
      if (server === weir) held = hold.held;
      if (hold.firstFailure !== undefined)
        report.problem(`held streams on ${server.name}: ${hold.firstFailure}`);
      await settle(500);
      heldRss.set(server, memoryOf(server.child.pid).rssBytes);
      await hold.release();
      await settle(1000);
      afterRss.set(server, memoryOf(server.child.pid).rssBytes);
    }
    const weirHeld = heldRss.get(weir) ?? 0;
    const noopHeld = heldRss.get(noop) ?? 0;
    const perExchange = (server: RunningServer, count: number) =>
      `${fmt(((heldRss.get(server) ?? 0) - (beforeRss.get(server) ?? 0)) / Math.max(count, 1) / 1024)} KiB`;
    report.add({
      section: "memory",
      measurement: `RSS with ${profile.heldStreams} exchanges in flight (headers + 1 KiB chunk each)`,
      weir: mib(weirHeld),
      baseline: `${mib(noopHeld)} (no-op)`,
      ratio: (weirHeld / noopHeld).toFixed(2),
      notes:
        `${held} held; ${perExchange(weir, held)} per exchange over the RSS just before ` +
        `(no-op ${perExchange(noop, profile.heldStreams)}); ` +
        `1 s after release ${mib(afterRss.get(weir) ?? 0)} (no-op ${mib(afterRss.get(noop) ?? 0)})`,
    });
  },
};
