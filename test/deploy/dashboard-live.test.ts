// The dashboard and the alerts against live data: a real Prometheus (Debian's binary) scrapes
// a real `weir serve` every second while traffic goes through `weir proxy`, then every PromQL
// expression of deploy/grafana/weir-dashboard.json (Grafana variables substituted) and of
// deploy/prometheus/weir-alerts.yml is evaluated through Prometheus' HTTP API. A query that
// Prometheus refuses fails the test, and so does an empty or all-zero answer from a panel
// the traffic must feed. Everything listens on 127.0.0.1; every process is stopped by its id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWeirProxy, startWeirServe, type WeirProxy, type WeirServe } from "../e2e/weir-cli.js";
import { loadLiveTraffic, send, startUpstream, type Upstream } from "./live-traffic.js";
import { configWithJob, type PrometheusConfig, weirJob } from "./prometheus-config.js";
import { type RunningPrometheus, type Sample, startPrometheus } from "./prometheus-server.js";
import { prometheusTool } from "./prometheus-tools.js";
import {
  allPanels,
  dashboardExpressions,
  type Expression,
  loadDashboard,
  ruleExpressions,
  substitute,
} from "./promql-sources.js";

const traffic = loadLiveTraffic();
const dashboard = loadDashboard();
/** How long any wait on Prometheus may take before the test gives up. */
const WAIT_MS = 30_000;
const POLL_MS = 250;

let upstream: Upstream | undefined;
let serve: WeirServe | undefined;
let proxy: WeirProxy | undefined;
let prometheus: RunningPrometheus | undefined;
/** Per wave, the status each request got. */
const statuses: number[][] = [];
/** The Grafana variables as Grafana would send them with this one instance selected. */
let variables: Record<string, string> = {};

/** Grafana escapes regex characters in a selected value before putting it in `=~"..."`. */
function grafanaRegexValue(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}]/g, "\\\\$&");
}

async function scalarOf(expr: string): Promise<number> {
  const { samples } = await running().query(expr);
  return samples.length === 0 ? Number.NaN : Number(samples[0]?.value[1]);
}

/** Polls `expr` until `done` holds for its value (bounded by WAIT_MS). */
async function waitFor(what: string, expr: string, done: (v: number) => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let last = Number.NaN;
  while (Date.now() < deadline) {
    last = await scalarOf(expr);
    if (done(last)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`waited ${WAIT_MS} ms for ${what}: ${expr} is still ${last}`);
}

function running(): RunningPrometheus {
  if (prometheus === undefined) throw new Error("Prometheus did not start");
  return prometheus;
}

const SCRAPES = 'count_over_time(up{job="weir"}[1h])';

async function waitScrapes(count: number): Promise<void> {
  const before = await scalarOf(SCRAPES);
  await waitFor(`${count} more scrapes`, SCRAPES, (v) => v >= before + count);
}

async function wave(proxyUrl: string): Promise<void> {
  const got: number[] = [];
  for (const r of traffic.requests) got.push(await send(proxyUrl, r));
  statuses.push(got);
}

beforeAll(async () => {
  prometheusTool("prometheus"); // fails first, with the install hint, if it is missing
  upstream = await startUpstream();
  serve = await startWeirServe("enforce");
  const target = serve.metricsUrl.replace(/^http:\/\//, "");
  const config = JSON.parse(
    configWithJob({ ...weirJob(), static_configs: [{ targets: [target] }] }),
  ) as PrometheusConfig;
  const fast = { ...config, global: { scrape_interval: "1s", evaluation_interval: "1s" } };
  proxy = await startWeirProxy(upstream.port, serve.grpc);
  prometheus = await startPrometheus(JSON.stringify(fast));
  variables = {
    job: "weir",
    instance: grafanaRegexValue(target),
    __rate_interval: "30s",
    __range: "5m",
    __interval: "5s",
  };
  await waitFor("a first scrape of weir", 'max(up{job="weir"})', (v) => v === 1);
  const exchanges = 'sum(weir_exchanges_total{job="weir"})';
  const perWave = traffic.requests.length;
  // Two waves with a scrape between, so series born in the first have a rate in the second.
  await wave(proxy.url);
  await waitFor("the first wave in Prometheus", exchanges, (v) => v >= perWave);
  await wave(proxy.url);
  await waitFor("the second wave in Prometheus", exchanges, (v) => v >= 2 * perWave);
  await waitScrapes(2);
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
  await proxy?.stop();
  await serve?.stop();
  await upstream?.close();
}, 60_000);

interface Outcome {
  readonly where: string;
  readonly expr: string;
  readonly error?: string;
  readonly samples: readonly Sample[];
}

async function evaluate(expressions: readonly Expression[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const e of expressions) {
    const expr = substitute(e.expr, variables);
    try {
      const { samples } = await running().query(expr);
      outcomes.push({ where: e.where, expr, samples });
    } catch (error: unknown) {
      outcomes.push({ where: e.where, expr, error: String(error), samples: [] });
    }
  }
  return outcomes;
}

const shows = (o: Outcome) =>
  o.samples.some((s) => Number.isFinite(Number(s.value[1])) && Number(s.value[1]) > 0);

describe("the dashboard and alerts on a live Prometheus scraping weir", () => {
  it("sent the traffic and weir answered it as the fixture says", () => {
    const want = traffic.requests.map((r) => r.status);
    expect(statuses).toEqual([want, want]);
    expect(want).toContain(403);
  });

  it("names only panels that exist as must-show", () => {
    const titles = allPanels(dashboard).map((p) => p.title);
    for (const title of traffic.mustShowData) expect(titles).toContain(title);
  });

  it("evaluates every dashboard query; variables and traffic-fed panels show data", async () => {
    const expressions = dashboardExpressions(dashboard);
    const outcomes = await evaluate(expressions);
    expect(outcomes.length).toBeGreaterThanOrEqual(30);
    expect(outcomes.filter((o) => o.error !== undefined)).toEqual([]);
    const mustShow = new Set(traffic.mustShowData);
    const blank = outcomes.filter((o, i) => {
      const e = expressions[i];
      const required = e?.panel === undefined || mustShow.has(e.panel);
      return required && !shows(o);
    });
    expect(blank.map((o) => ({ where: o.where, expr: o.expr, samples: o.samples }))).toEqual([]);
  });

  it("filters by the instance variable: this instance has data, another none", async () => {
    const expr = 'sum(weir_exchanges_total{job=~"$job", instance=~"$instance"})';
    expect(await scalarOf(substitute(expr, variables))).toBeGreaterThan(0);
    const other = { ...variables, instance: grafanaRegexValue("10.9.9.9:9464") };
    expect((await running().query(substitute(expr, other))).samples).toEqual([]);
  });

  it("evaluates every alert expression", async () => {
    const outcomes = await evaluate(ruleExpressions());
    expect(outcomes.length).toBeGreaterThanOrEqual(9);
    expect(outcomes.filter((o) => o.error !== undefined)).toEqual([]);
  });

  it("finds live series for every selector the alerts use", async () => {
    const found: { selector: string; series: number }[] = [];
    for (const rule of ruleExpressions()) {
      for (const selector of rule.expr.match(/\b(?:weir_[a-z_]+|up\b)(?:\{[^}]*\})?/g) ?? []) {
        found.push({ selector, series: await scalarOf(`count(${selector})`) });
      }
    }
    expect(found.length).toBeGreaterThanOrEqual(12);
    expect(found.filter((f) => !(f.series > 0))).toEqual([]);
  });

  it("loads weir-alerts.yml and evaluates each rule without error", async () => {
    interface Rules {
      groups: { rules: { name: string; health: string; lastError?: string }[] }[];
    }
    const rules = () => running().api("/api/v1/rules") as Promise<Rules>;
    const deadline = Date.now() + WAIT_MS;
    let list = (await rules()).groups.flatMap((g) => g.rules);
    while (list.some((r) => r.health === "unknown") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      list = (await rules()).groups.flatMap((g) => g.rules);
    }
    expect(list.map((r) => r.name).sort()).toEqual(
      ruleExpressions()
        .map((r) => r.where.replace(/^alert /, ""))
        .sort(),
    );
    expect(list.filter((r) => r.health !== "ok")).toEqual([]);
  });
});
