/**
 * Issue 5, CPU per inspected request against ModSecurity v3 with the OWASP CRS (bench/modsec/):
 * the same requests through weir's engine (its built-in signatures, in this process) and
 * through modsec-peer (libmodsecurity3 + CRS 3.3.4 at paranoia 1, Debian's packages), each
 * timed per request as the median of repeated runs. Three sets: a sample of CRS's own
 * regression corpus (attacks and protocol oddities, mostly small), one benign POST with a 1 KB
 * JSON body, one with a 64 KB JSON body; the two sides take turns, round by round. The ratio
 * is how many times cheaper weir is. The rule
 * sets differ (weir's own signatures, not CRS, until CRS import lands), and weir's figure is
 * the engine alone: the gRPC hop costs what the grpc section's no-op server shows on top.
 * Without the peer's prerequisites the section adds one "skipped: install X" row.
 */
import { fmt, interleaved, median } from "../harness/stats.js";
import { findPeer } from "../modsec/peer.js";
import {
  corpusSample,
  forWeir,
  jsonPost,
  type PeerRequest,
  writeJsonLines,
} from "../modsec/requests.js";
import { peerMicros, weirMicros } from "../modsec/timing.js";
import type { Section, SectionContext } from "./section.js";

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
}

function us(value: number): string {
  return value >= 10_000 ? `${fmt(value / 1000)} ms` : `${fmt(value)} us`;
}

export const modsecSection: Section = {
  name: "modsec",
  async run({ profile, report, fixtures }: SectionContext): Promise<void> {
    const found = findPeer();
    if (!found.ok) {
      report.add({
        section: "ModSecurity",
        measurement: "CPU per request vs ModSecurity + CRS",
        weir: found.skipped,
      });
      return;
    }
    const { peer } = found;
    const engine = await fixtures.defaultEngine();
    const sets: { name: string; requests: PeerRequest[]; repeats: number }[] = [
      {
        name: `CRS regression corpus, ${profile.modsecCorpusSample} requests sampled`,
        requests: corpusSample(peer.dir, profile.modsecCorpusSample),
        repeats: profile.modsecRepeats.corpus,
      },
      {
        name: "POST, 1 KB JSON body",
        requests: [jsonPost("json-1k", 1000)],
        repeats: profile.modsecRepeats.small,
      },
      {
        name: "POST, 64 KB JSON body",
        requests: [jsonPost("json-64k", 64_000)],
        repeats: profile.modsecRepeats.large,
      },
    ];
    for (const set of sets) {
      const file = writeJsonLines(`${set.requests[0]?.id ?? "set"}.jsonl`, set.requests);
      const forWeirs = set.requests.map(forWeir);
      // Rounds interleave the two sides, so a noisy phase of the machine hits both.
      const results = await interleaved<number[]>(
        [
          { name: "modsec", run: () => peerMicros(peer, file, set.repeats) },
          { name: "weir", run: () => weirMicros(engine, forWeirs, set.repeats) },
        ],
        0,
        profile.repetitions,
      );
      const perRequest = (name: string): number[] => {
        const rounds = results.get(name) ?? [];
        return set.requests.map((_, i) => median(rounds.map((round) => round[i] ?? Number.NaN)));
      };
      const weir = perRequest("weir");
      const modsec = perRequest("modsec");
      const weirMedian = median(weir);
      const modsecMedian = median(modsec);
      report.add({
        section: "ModSecurity",
        measurement: `CPU per request, ${set.name}`,
        weir: us(weirMedian),
        baseline: `${us(modsecMedian)} (ModSecurity)`,
        ratio: `${fmt(modsecMedian / weirMedian)}x cheaper`,
        notes:
          (set.requests.length > 1
            ? `medians over requests of per-request medians; means weir ${us(mean(weir))}, ModSecurity ${us(mean(modsec))}; `
            : "") +
          `${set.repeats} timed runs each, ${profile.repetitions} interleaved rounds; ${peer.version} at paranoia 1 vs weir's built-in set; weir engine only (no gRPC hop)`,
      });
    }
  },
};
