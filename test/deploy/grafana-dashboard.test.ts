// deploy/grafana/weir-dashboard.json checked as data, without Grafana: importable as is (a
// datasource variable instead of a fixed datasource, job and instance variables), every
// query reading only metrics and labels weir's registry really has, every selector filtered
// by the variables, and a layout that fits Grafana's 24-column grid. The queries are run
// against a live Prometheus by dashboard-live.test.ts.
import { describe, expect, it } from "vitest";
import {
  allPanels,
  dashboardExpressions,
  loadDashboard,
  metricNames,
  selectors,
  substitute,
} from "./promql-sources.js";
import { labelNames, sampledMetrics, seriesNames } from "./sampled-registry.js";

const dashboard = loadDashboard();
const panels = allPanels(dashboard);
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not JavaScript's
const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ["job", "instance"];

describe("deploy/grafana/weir-dashboard.json", () => {
  it("is a dashboard Grafana 10+ imports: schema 39, a stable uid, no fixed id", () => {
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect((dashboard as unknown as { id: unknown }).id).toBeNull();
  });

  it("takes its Prometheus datasource, job and instance as variables", () => {
    const [ds, job, instance] = dashboard.templating.list;
    expect(ds).toMatchObject({ name: "datasource", type: "datasource", query: "prometheus" });
    expect(job).toMatchObject({ name: "job", type: "query", datasource: DATASOURCE });
    expect(instance).toMatchObject({ name: "instance", type: "query", datasource: DATASOURCE });
    for (const v of [job, instance]) {
      expect(v).toMatchObject({ includeAll: true, multi: true, allValue: ".*" });
    }
    expect(JSON.stringify(instance?.query)).toContain('job=~\\"$job\\"');
  });

  it("queries through the datasource variable in every panel and target", () => {
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE);
      for (const t of panel.targets ?? []) expect(t.datasource, panel.title).toEqual(DATASOURCE);
      expect(panel.targets?.length, `${panel.title} has no query`).toBeGreaterThan(0);
    }
  });

  it("has the panels an operator needs", () => {
    const titles = panels.map((p) => p.title);
    for (const title of [
      "Exchanges per second by decision",
      "Block rate (% of exchanges)",
      "Decisions by direction and reason",
      "Top signatures",
      "Matches by family",
      "Added latency p50 / p99 per phase",
      "Bytes inspected per direction",
      "Active streams",
      "Stream errors by reason",
      "Signatures by load state",
      "Signature set hash per instance",
      "Compile time",
      "Process CPU",
      "Resident memory",
    ]) {
      expect(titles).toContain(title);
    }
  });

  it("gives panels unique ids and each panel's targets unique refIds", () => {
    const ids = dashboard.panels.flatMap((p) => [p.id, ...(p.panels ?? []).map((c) => c.id)]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      const refIds = (panel.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
    }
  });

  it("lays panels out on the 24-column grid without overlaps", () => {
    type Grid = { x: number; y: number; w: number; h: number };
    const boxes = dashboard.panels.map((p) => ({
      title: p.title,
      g: (p as unknown as { gridPos: Grid }).gridPos,
    }));
    for (const { title, g } of boxes) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      expect(g.w > 0 && g.h > 0, title).toBe(true);
    }
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart =
          a.g.x + a.g.w <= b.g.x ||
          b.g.x + b.g.w <= a.g.x ||
          a.g.y + a.g.h <= b.g.y ||
          b.g.y + b.g.h <= a.g.y;
        expect(apart, `"${a.title}" overlaps "${b.title}"`).toBe(true);
      }
    }
  });

  it("reads only metrics weir's registry exports (or Prometheus' up)", async () => {
    const known = await seriesNames(sampledMetrics());
    known.add("up");
    for (const e of dashboardExpressions(dashboard)) {
      const names = metricNames(e.expr);
      expect(names.length, `${e.where} reads no metric`).toBeGreaterThan(0);
      for (const name of names) expect(known, `${e.where} reads ${name}`).toContain(name);
    }
  });

  it("groups and matches only on labels those metrics carry", async () => {
    const labels = await labelNames(sampledMetrics());
    labels.set("up", new Set());
    for (const e of dashboardExpressions(dashboard)) {
      const carried = new Set([
        ...TARGET_LABELS,
        ...metricNames(e.expr).flatMap((n) => [...(labels.get(n) ?? [])]),
      ]);
      const grouped = [...e.expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) =>
        (m[1] ?? "").split(",").map((l) => l.trim()),
      );
      const matched = selectors(e.expr).flatMap((s) =>
        [...s.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1] ?? ""),
      );
      for (const label of [...grouped, ...matched].filter((l) => l !== "")) {
        expect(carried, `${e.where} uses label ${label}`).toContain(label);
      }
    }
  });

  it("filters every panel selector by the job and instance variables", () => {
    for (const e of dashboardExpressions(dashboard)) {
      if (e.panel === undefined) continue;
      const found = selectors(e.expr);
      expect(found.length, e.where).toBeGreaterThan(0);
      for (const s of found) {
        expect(s, e.where).toContain('job=~"$job"');
        expect(s, e.where).toContain('instance=~"$instance"');
      }
    }
  });

  it("uses Grafana's rate windows, never a fixed one", () => {
    for (const e of dashboardExpressions(dashboard)) {
      for (const m of e.expr.matchAll(/\[([^\]]+)\]/g)) {
        expect(["$__rate_interval", "$__range"], e.where).toContain(m[1]);
      }
    }
  });

  it("uses no variable Grafana would not fill in", () => {
    const values = {
      job: "weir",
      instance: ".*",
      __rate_interval: "1m",
      __range: "1h",
      __interval: "15s",
    };
    for (const e of dashboardExpressions(dashboard)) {
      expect(() => substitute(e.expr, values), e.where).not.toThrow();
    }
  });
});
