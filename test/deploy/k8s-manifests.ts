/**
 * deploy/k8s as data for its tests (no cluster here): every YAML document by kind and name,
 * the weir container of the Deployment, and the little of Kubernetes' and Prometheus'
 * semantics the cross-reference checks need (label selectors, named ports, relabel keep).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
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
