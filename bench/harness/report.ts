/**
 * The one table a bench run prints: every section adds rows (weir's figure, the baseline
 * measured in the same run, their ratio, and notes), and the run ends by printing the table
 * as markdown and writing it to bench/results/latest.md (git-ignored).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

export interface Row {
  readonly section: string;
  readonly measurement: string;
  readonly weir: string;
  readonly baseline?: string;
  readonly ratio?: string;
  readonly notes?: string;
}

export class Report {
  readonly rows: Row[] = [];
  readonly problems: string[] = [];
  private readonly started = new Date();
  private readonly loadAtStart = loadavg();

  constructor(private readonly profile: string) {}

  add(row: Row): void {
    this.rows.push(row);
    process.stderr.write(
      `  ${row.section} | ${row.measurement}: ${row.weir}` +
        `${row.baseline === undefined ? "" : ` vs ${row.baseline}`}` +
        `${row.ratio === undefined ? "" : ` (${row.ratio})`}\n`,
    );
  }

  /** A section that could not run (missing module, failed child): listed under the table. */
  problem(text: string): void {
    this.problems.push(text);
    process.stderr.write(`  problem: ${text}\n`);
  }

  markdown(elapsedSeconds: number): string {
    const cpu = cpus();
    const lines = [
      `# weir benchmarks (${this.profile})`,
      "",
      `${this.started.toISOString()}; node ${process.version}; ${cpu.length} x ${cpu[0]?.model ?? "?"}; ` +
        `load average at start ${this.loadAtStart.map((l) => l.toFixed(2)).join(" ")}, ` +
        `at end ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}; run took ${elapsedSeconds.toFixed(0)} s.`,
      "Figures are medians of interleaved repetitions after a warm-up; ratio = weir / baseline.",
      "MB = 10^6 bytes, MiB = 2^20 bytes.",
      "",
      "| section | measurement | weir | baseline | ratio | notes |",
      "|---|---|---:|---:|---:|---|",
      ...this.rows.map(
        (r) =>
          `| ${r.section} | ${r.measurement} | ${r.weir} | ${r.baseline ?? ""} | ${r.ratio ?? ""} | ${r.notes ?? ""} |`,
      ),
    ];
    if (this.problems.length > 0) {
      lines.push("", "Not measured:", ...this.problems.map((p) => `- ${p}`));
    }
    return `${lines.join("\n")}\n`;
  }

  write(path: URL, elapsedSeconds: number): string {
    const text = this.markdown(elapsedSeconds);
    mkdirSync(new URL(".", path), { recursive: true });
    writeFileSync(path, text);
    return text;
  }
}
