/**
 * Issue 2, figure 3: exchanges per second through gRPC on loopback, weir with inspection on
 * (`weir serve`, built-in signatures, default policy) against the no-op server on the same
 * grpc-js stack, driven by the same load client at each concurrency. Each run reports message
 * latency (write to answer) p50/p99 and the server's CPU per exchange, sampled from /proc.
 */
import type { RunningServer } from "../harness/fixtures.js";
import { type LoadResult, runLoad } from "../harness/load-runs.js";
import type { GrpcShape } from "../harness/options.js";
import { type Contender, fmt, interleaved, median } from "../harness/stats.js";
import type { Section, SectionContext } from "./section.js";

function shapeName(shape: GrpcShape): string {
  const size =
    shape.chunkBytes >= 1024 ? `${shape.chunkBytes / 1024} KiB` : `${shape.chunkBytes} B`;
  return `${shape.kind} body, headers + ${shape.chunks} x ${size}`;
}

function medianOf(results: readonly LoadResult[], key: keyof LoadResult): number {
  return median(results.map((r) => Number(r[key])));
}

function ms(value: number): string {
  return fmt(value, 2);
}

export const grpcSection: Section = {
  name: "grpc",
  async run({ profile, report, fixtures }: SectionContext): Promise<void> {
    const build = await fixtures.built();
    const servers: RunningServer[] = [await fixtures.weir(), await fixtures.noop()];
    const first = profile.grpcShapes[0];
    if (first === undefined) return;
    // Warm both servers' code paths (JIT, pools) before anything is kept.
    for (const server of servers) {
      await runLoad(build, server.target, server.pids, first, 32, profile.grpcWarmupSeconds * 2, 0);
    }
    const contenders: Contender<LoadResult>[] = [];
    for (const shape of profile.grpcShapes) {
      for (const concurrency of shape.concurrencies) {
        for (const server of servers) {
          contenders.push({
            name: `${server.name} ${shapeName(shape)} ${concurrency}`,
            run: () =>
              runLoad(
                build,
                server.target,
                server.pids,
                shape,
                concurrency,
                profile.grpcSeconds,
                profile.grpcWarmupSeconds,
              ),
          });
        }
      }
    }
    const results = await interleaved(contenders, 0, profile.repetitions);

    for (const shape of profile.grpcShapes) {
      for (const concurrency of shape.concurrencies) {
        const weir = results.get(`weir ${shapeName(shape)} ${concurrency}`) ?? [];
        const noop = results.get(`no-op ${shapeName(shape)} ${concurrency}`) ?? [];
        const weirRate = medianOf(weir, "rate");
        const noopRate = medianOf(noop, "rate");
        const blocked = weir.reduce((n, r) => n + r.blocked, 0);
        const failed = [...weir, ...noop].reduce((n, r) => n + r.failed, 0);
        const failure = [...weir, ...noop].find((r) => r.firstFailure !== undefined)?.firstFailure;
        if (failed > 0)
          report.problem(
            `gRPC ${shapeName(shape)}, C=${concurrency}: ${failed} failed exchanges (${failure})`,
          );
        if (blocked > 0)
          report.problem(
            `gRPC ${shapeName(shape)}, C=${concurrency}: weir blocked ${blocked} benign exchanges`,
          );
        report.add({
          section: "gRPC",
          measurement: `exchanges/s, ${shapeName(shape)}, concurrency ${concurrency}`,
          weir: fmt(weirRate),
          baseline: `${fmt(noopRate)} (no-op)`,
          ratio: (weirRate / noopRate).toFixed(2),
          notes:
            `message p50/p99 ${ms(medianOf(weir, "msgP50"))}/${ms(medianOf(weir, "msgP99"))} ms ` +
            `(no-op ${ms(medianOf(noop, "msgP50"))}/${ms(medianOf(noop, "msgP99"))}); ` +
            `exchange p50/p99 ${ms(medianOf(weir, "exchangeP50"))}/${ms(medianOf(weir, "exchangeP99"))} ms; ` +
            `server CPU ${fmt(medianOf(weir, "serverCpuUsPerExchange"))} us/exchange at ` +
            `${fmt(medianOf(weir, "serverCpu") * 100)}% (no-op ${fmt(medianOf(noop, "serverCpuUsPerExchange"))} us at ` +
            `${fmt(medianOf(noop, "serverCpu") * 100)}%); client CPU ${fmt(medianOf(weir, "clientCpu") * 100)}%` +
            (blocked + failed > 0 ? `; blocked ${blocked}, failed ${failed}` : ""),
        });
      }
    }
  },
};
