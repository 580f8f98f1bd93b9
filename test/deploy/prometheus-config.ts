/**
 * deploy/prometheus/prometheus.yml as data: the config as shipped, its weir job, and the
 * commented kubernetes_sd example between its markers, uncommented, so the tests can check
 * that the example is a valid job too and that it selects what deploy/k8s labels.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PROMETHEUS_DIR } from "./prometheus-tools.js";

export const CONFIG_PATH = join(PROMETHEUS_DIR, "prometheus.yml");

export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly regex?: string;
  readonly action?: string;
  readonly target_label?: string;
}

export interface ScrapeConfig {
  readonly job_name: string;
  readonly metrics_path?: string;
  readonly static_configs?: readonly { readonly targets: readonly string[] }[];
  readonly kubernetes_sd_configs?: readonly { readonly role: string }[];
  readonly relabel_configs?: readonly RelabelConfig[];
}

export interface PrometheusConfig {
  readonly global?: Record<string, unknown>;
  readonly rule_files?: readonly string[];
  readonly scrape_configs: readonly ScrapeConfig[];
}

const BEGIN = "# --- kubernetes_sd example: begin ---";
const END = "# --- kubernetes_sd example: end ---";

export function configText(): string {
  return readFileSync(CONFIG_PATH, "utf8");
}

export function loadConfig(): PrometheusConfig {
  return parse(configText()) as PrometheusConfig;
}

/** The shipped config's job named "weir". */
export function weirJob(config: PrometheusConfig = loadConfig()): ScrapeConfig {
  const job = config.scrape_configs.find((c) => c.job_name === "weir");
  if (job === undefined) throw new Error(`${CONFIG_PATH} has no scrape job named "weir"`);
  return job;
}

/** The kubernetes_sd job between the markers of the shipped config, uncommented. */
export function kubernetesExampleJob(): ScrapeConfig {
  const lines = configText().split("\n");
  const begin = lines.findIndex((l) => l.trim() === BEGIN);
  const end = lines.findIndex((l) => l.trim() === END);
  if (begin < 0 || end < begin) {
    throw new Error(`${CONFIG_PATH}: markers "${BEGIN}" and "${END}" not found in order`);
  }
  const example = lines.slice(begin + 1, end).map((line, i) => {
    const m = /^(\s*)# ?(.*)$/.exec(line);
    if (m === null) throw new Error(`${CONFIG_PATH}:${begin + 2 + i}: not a comment: ${line}`);
    return `${m[1]}${m[2]}`;
  });
  const jobs = parse(example.join("\n")) as ScrapeConfig[];
  if (jobs.length !== 1 || jobs[0] === undefined) {
    throw new Error(`${CONFIG_PATH}: the kubernetes_sd example should hold one job`);
  }
  return jobs[0];
}

/**
 * The shipped config with `job` in place of its weir job, as text for a file anywhere (rule
 * files made absolute).
 */
export function configWithJob(job: ScrapeConfig): string {
  const config = loadConfig();
  return JSON.stringify({
    ...config,
    rule_files: (config.rule_files ?? []).map((f) => join(PROMETHEUS_DIR, f)),
    scrape_configs: [...config.scrape_configs.filter((c) => c.job_name !== "weir"), job],
  });
}
