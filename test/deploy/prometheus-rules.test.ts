// deploy/prometheus checked by Prometheus' own promtool: the scrape config (and its commented
// Kubernetes variant), the alerting rules and their unit tests, and a /metrics scrape of
// weir's real registry linted for naming problems.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseMetrics } from "../e2e/metrics-scrape.js";
import {
  CONFIG_PATH,
  configWithJob,
  kubernetesExampleJob,
  loadConfig,
  weirJob,
} from "./prometheus-config.js";
import { explain, PROMETHEUS_DIR, promtool, ROOT, type ToolRun } from "./prometheus-tools.js";
import { ALERTS_PATH, ruleExpressions } from "./promql-sources.js";
import { sampledMetrics, seriesNames } from "./sampled-registry.js";

interface KnownLint {
  readonly problems: readonly { readonly metric: string; readonly text: string }[];
}
const KNOWN_LINT = JSON.parse(
  readFileSync(new URL("../fixtures/deploy/promtool-known-lint.json", import.meta.url), "utf8"),
) as KnownLint;

interface RuleTests {
  readonly rule_files: readonly string[];
  readonly tests: readonly {
    readonly alert_rule_test?: readonly {
      readonly alertname: string;
      readonly exp_alerts: readonly unknown[];
    }[];
  }[];
}

const work = mkdtempSync(join(tmpdir(), "weir-prometheus-rules-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function expectSuccess(run: ToolRun): void {
  expect(run.status, explain(run)).toBe(0);
}

/** promtool check metrics prints one problem per line: `<metric> <text>`. */
function lintProblems(run: ToolRun): { metric: string; text: string }[] {
  return `${run.stdout}${run.stderr}`
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const space = line.indexOf(" ");
      return { metric: line.slice(0, space), text: line.slice(space + 1) };
    });
}

describe("deploy/prometheus/prometheus.yml", () => {
  it("is a valid config whose rule files load (promtool check config)", () => {
    const run = promtool(["check", "config", CONFIG_PATH]);
    expectSuccess(run);
    expect(run.stdout).toContain("SUCCESS: 1 rule files found");
  });

  it("scrapes weir's metrics listener on its default port under job weir", () => {
    const job = weirJob();
    expect(job.metrics_path).toBe("/metrics");
    expect(job.static_configs?.[0]?.targets).toEqual(["127.0.0.1:9464"]);
    expect(loadConfig().rule_files).toEqual(["weir-alerts.yml"]);
  });

  // Debian's prometheus is built without Kubernetes discovery (promtool rejects the field), so
  // the example's discovery is swapped for a static target and the rest, its relabelling
  // included, is checked by promtool; test/deploy/k8s-manifests.test.ts applies its keep rules
  // to the Deployment's labels and ports.
  it("has a commented kubernetes_sd job (pod role) that is valid once uncommented", () => {
    const { kubernetes_sd_configs: discovery, ...job } = kubernetesExampleJob();
    expect(discovery).toEqual([{ role: "pod" }]);
    expect(job.job_name).toBe("weir");
    expect(job.relabel_configs?.filter((r) => r.action === "keep").length).toBe(2);
    const path = join(work, "prometheus-kubernetes.yml");
    writeFileSync(
      path,
      configWithJob({ ...job, static_configs: [{ targets: ["10.0.0.1:9464"] }] }),
    );
    expectSuccess(promtool(["check", "config", path]));
  });
});

describe("deploy/prometheus/weir-alerts.yml", () => {
  it("passes promtool check rules, every rule counted", () => {
    const run = promtool(["check", "rules", ALERTS_PATH]);
    expectSuccess(run);
    expect(run.stdout).toContain(`SUCCESS: ${ruleExpressions().length} rules found`);
  });

  it("passes its unit tests (promtool test rules weir-alerts.test.yml)", () => {
    const run = promtool(["test", "rules", "weir-alerts.test.yml"], { cwd: PROMETHEUS_DIR });
    expectSuccess(run);
    expect(run.stdout).toContain("SUCCESS");
  });

  it("has a unit test where each alert fires and one where it stays quiet", () => {
    const tests = parse(
      readFileSync(join(PROMETHEUS_DIR, "weir-alerts.test.yml"), "utf8"),
    ) as RuleTests;
    expect(tests.rule_files).toEqual(["weir-alerts.yml"]);
    const checks = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    const alerts = ruleExpressions().map((r) => r.where.replace(/^alert /, ""));
    for (const alert of alerts) {
      const mine = checks.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${alert} never fires`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${alert} never quiet`,
      ).toBe(true);
    }
  });

  it("lists every alert in docs/metrics.md", () => {
    const docs = readFileSync(join(ROOT, "docs/metrics.md"), "utf8");
    for (const rule of ruleExpressions()) {
      expect(docs).toContain(`\`${rule.where.replace(/^alert /, "")}\``);
    }
  });

  it("reads only metrics weir exports (or Prometheus' up)", async () => {
    const known = await seriesNames(sampledMetrics());
    for (const rule of ruleExpressions()) {
      const names = rule.expr.match(/\bweir_[a-z_]+/g) ?? [];
      for (const name of names) expect(known, `${rule.where} reads ${name}`).toContain(name);
    }
  });
});

describe("a /metrics scrape of weir (promtool check metrics)", () => {
  it("has samples for every metric family, so the lint is not vacuous", async () => {
    const metrics = sampledMetrics();
    const sampled = new Set(parseMetrics(await metrics.registry.metrics()).map((s) => s.name));
    const weirs = [...(await seriesNames(metrics))].filter((n) => n.startsWith("weir_"));
    expect(weirs.length).toBeGreaterThanOrEqual(12);
    for (const name of weirs) expect(sampled, `no sample of ${name}`).toContain(name);
    expect(sampled).toContain("process_cpu_seconds_total");
  });

  it("reports nothing on weir's own metrics", async () => {
    const metrics = sampledMetrics();
    const text = await metrics.registry.metrics();
    const run = promtool(["check", "metrics"], { input: text });
    const weirs = lintProblems(run).filter((p) => p.metric.startsWith("weir_"));
    expect(weirs, explain(run)).toEqual([]);
  });

  it("reports only prom-client's known default-metric problems on the rest", async () => {
    const text = await sampledMetrics().registry.metrics();
    const run = promtool(["check", "metrics"], { input: text });
    // 0: no problem; 3: lint problems found (1 would be a parse error).
    expect([0, 3], explain(run)).toContain(run.status);
    for (const problem of lintProblems(run)) {
      expect(
        KNOWN_LINT.problems,
        `new lint problem: ${problem.metric} ${problem.text}`,
      ).toContainEqual(problem);
    }
  });

  it("fails a scrape that breaks the rules, so the lint above is real", () => {
    const bad = "# HELP weir_bad_total x\n# TYPE weir_bad_total gauge\nweir_bad_total 1\n";
    const run = promtool(["check", "metrics"], { input: bad });
    expect(run.status).toBe(3);
    expect(lintProblems(run)).toEqual([
      { metric: "weir_bad_total", text: 'non-counter metrics should not have "_total" suffix' },
    ]);
  });
});
