/**
 * deploy/k8s as data for its tests (no cluster here): every YAML document by kind and name,
 * the weir container of the Deployment, and the little of Kubernetes' and Prometheus'
 * semantics the cross-reference checks need (label selectors, named ports, relabel keep,
 * ConfigMap volumes as the kubelet lays them out), and the configuration `weir serve` gets
 * from a container's args, environment and mounted configuration file.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { parseServeArgs } from "../../src/cli/serve.js";
import type { ServeConfigLoad } from "../../src/config/load-serve-config.js";
import type { RelabelConfig } from "./prometheus-config.js";
import { ROOT } from "./prometheus-tools.js";

export const K8S_DIR = join(ROOT, "deploy/k8s");

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are walked as untyped data
export type Obj = any;

export interface Manifest {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly body: Obj;
}

export function yamlFiles(): string[] {
  return readdirSync(K8S_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

export function loadManifests(): Manifest[] {
  return yamlFiles().flatMap((file) => {
    const docs = parseAllDocuments(readFileSync(join(K8S_DIR, file), "utf8"));
    return (Array.isArray(docs) ? docs : [docs]).map((doc) => {
      if (doc.errors.length > 0) {
        throw new Error(`deploy/k8s/${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
      }
      const body = doc.toJS() as Obj;
      return {
        file,
        apiVersion: String(body?.apiVersion),
        kind: String(body?.kind),
        name: String(body?.metadata?.name),
        body,
      };
    });
  });
}

/** The one manifest of `kind` (and `file`, when several files hold that kind). */
export function only(manifests: readonly Manifest[], kind: string, file?: string): Obj {
  const found = manifests.filter((m) => m.kind === kind && (file === undefined || m.file === file));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${file ? ` in ${file}` : ""}, found ${found.length}`);
  }
  return found[0]?.body;
}

/** A matchLabels selector selects a pod when each of its pairs is among the pod's labels. */
export function selects(
  matchLabels: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  const pairs = Object.entries(matchLabels);
  return pairs.length > 0 && pairs.every(([k, v]) => labels[k] === v);
}

/** The container port a Service targetPort or probe port (a name or a number) refers to. */
export function containerPort(container: Obj, port: string | number): Obj | undefined {
  return (container.ports as Obj[]).find((p) =>
    typeof port === "number" ? p.containerPort === port : p.name === port,
  );
}

/** Name → value of a container's `env` (plain values only). */
export function envOf(container: Obj): Record<string, string> {
  return Object.fromEntries(
    ((container.env ?? []) as Obj[]).map((e) => [String(e.name), String(e.value)]),
  );
}

/**
 * Whether Prometheus' `keep` relabel rules keep a target with these labels: each rule's
 * source labels joined with ";" must fully match its regex.
 */
export function keptByRelabel(
  rules: readonly RelabelConfig[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return rules
    .filter((r) => r.action === "keep")
    .every((r) => {
      const value = (r.source_labels ?? []).map((l) => labels[l] ?? "").join(";");
      return new RegExp(`^(?:${r.regex ?? "(.*)"})$`).test(value);
    });
}

/** Kubernetes' label-to-meta-label name: every character outside [a-zA-Z0-9_] becomes _. */
export function metaLabel(label: string): string {
  return label.replace(/[^a-zA-Z0-9_]/g, "_");
}

/** A ConfigMap volume as the kubelet writes it: ..data → timestamped dir, keys → ..data/key. */
export function projectConfigMap(dir: string, data: Readonly<Record<string, string>>): void {
  const stamp = "..2026_01_02_03_04_05.000000001";
  mkdirSync(join(dir, stamp), { recursive: true });
  for (const [key, text] of Object.entries(data)) writeFileSync(join(dir, stamp, key), text);
  symlinkSync(stamp, join(dir, "..data"));
  for (const key of Object.keys(data)) symlinkSync(join("..data", key), join(dir, key));
}

/** The value of `--flag VALUE` (or `--flag=VALUE`) in a container's args. */
export function flagOf(container: Obj, flag: string): string | undefined {
  const args = (container.args ?? []) as string[];
  const at = args.indexOf(flag);
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/** `path` with a leading in-cluster directory of `mounts` replaced by the local one it maps to. */
function mapped(path: string, mounts: Readonly<Record<string, string>>): string {
  for (const [mountPath, local] of Object.entries(mounts)) {
    if (path === mountPath) return local;
    if (path.startsWith(`${mountPath}/`)) return local + path.slice(mountPath.length);
  }
  return path;
}

/**
 * The configuration `weir serve` loads in `container`: its args after `serve` and `env`, with
 * each in-cluster directory of `mounts` (a mount path) read from the local directory it maps to.
 */
export async function loadServeConfigOf(
  container: Obj,
  env: Readonly<Record<string, string>>,
  mounts: Readonly<Record<string, string>>,
): Promise<ServeConfigLoad> {
  const args = ((container.args ?? []) as string[]).map((arg) => mapped(arg, mounts));
  if (args[0] !== "serve") throw new Error(`container ${container.name} does not run weir serve`);
  const localEnv = Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, mapped(value, mounts)]),
  );
  const parsed = parseServeArgs(args.slice(1), localEnv);
  if (parsed.help) throw new Error(`container ${container.name} asks weir serve for its help`);
  return await parsed.config.load();
}
