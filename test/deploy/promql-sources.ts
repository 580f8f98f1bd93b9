/**
 * Every PromQL expression the deploy folder ships, as data: each Grafana panel target and
 * template variable of deploy/grafana/weir-dashboard.json, and each rule of
 * deploy/prometheus/weir-alerts.yml. Grafana's variables are substituted the way Grafana
 * would before sending a query, so the expressions can be run against a real Prometheus.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PROMETHEUS_DIR, ROOT } from "./prometheus-tools.js";

export const DASHBOARD_PATH = join(ROOT, "deploy/grafana/weir-dashboard.json");
export const ALERTS_PATH = join(PROMETHEUS_DIR, "weir-alerts.yml");

export interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly instant?: boolean;
  readonly datasource?: { readonly type: string; readonly uid: string };
}

export interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}

export interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query?: string | { readonly query: string };
  readonly definition?: string;
  readonly includeAll?: boolean;
  readonly allValue?: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly Variable[] };
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_PATH, "utf8")) as Dashboard;
}

/** Panels in order, those inside collapsed rows included; rows themselves left out. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) =>
    p.type === "row" ? [...(p.panels ?? [])] : [p, ...(p.panels ?? [])],
  );
}

export interface Expression {
  /** Where it comes from: `panel "Title" target A`, `variable job`, `alert WeirDown`. */
  readonly where: string;
  readonly expr: string;
  /** The panel title for panel targets. */
  readonly panel?: string;
}

export function dashboardExpressions(dashboard: Dashboard): Expression[] {
  const targets = allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      where: `panel "${panel.title}" target ${t.refId}`,
      expr: t.expr,
      panel: panel.title,
    })),
  );
  const variables = dashboard.templating.list
    .filter((v) => v.type === "query")
    .map((v) => ({ where: `variable ${v.name}`, expr: variableExpression(v) }));
  return [...variables, ...targets];
}

/**
 * A query variable's `label_values(selector, label)` as the PromQL Grafana's series lookup
 * amounts to: the distinct values of `label` among the series `selector` matches.
 */
export function variableExpression(variable: Variable): string {
  const text = typeof variable.query === "string" ? variable.query : variable.query?.query;
  const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(text ?? "");
  if (m === null) {
    throw new Error(
      `variable ${variable.name}: expected label_values(selector, label), got ${text}`,
    );
  }
  return `count by (${m[2]}) (${m[1]})`;
}

interface RuleFile {
  readonly groups: readonly {
    readonly name: string;
    readonly rules: readonly { readonly alert?: string; readonly record?: string; expr: string }[];
  }[];
}

export function ruleExpressions(): Expression[] {
  const file = parse(readFileSync(ALERTS_PATH, "utf8")) as RuleFile;
  return file.groups.flatMap((g) =>
    g.rules.map((r) => ({
      where: r.alert !== undefined ? `alert ${r.alert}` : `record ${r.record ?? "?"}`,
      expr: r.expr,
    })),
  );
}

/**
 * Replaces Grafana's `$name` and `${name}` variables with `values`; a variable not in
 * `values` is an error, so an expression cannot reach Prometheus with a `$` left in it.
 */
export function substitute(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? "";
    const value = values[name];
    if (value === undefined) throw new Error(`unknown variable ${whole} in: ${expr}`);
    return value;
  });
}

/**
 * Metric names an expression selects from: identifiers with the prefixes weir and
 * prom-client use, plus Prometheus' own `up`.
 */
export function metricNames(expr: string): string[] {
  const names = expr.match(/\b(?:weir|process|nodejs)_[a-zA-Z0-9_]+\b|\bup\b(?=\s*\{)/g) ?? [];
  return [...new Set(names)];
}

/** Label matchers `name=~"value"` an expression uses, per metric selector. */
export function selectors(expr: string): string[] {
  return expr.match(/\b[a-zA-Z_][a-zA-Z0-9_]*\{[^}]*\}/g) ?? [];
}
