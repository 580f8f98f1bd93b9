// deploy/k8s checked as data (no cluster here): every document parses with the API version
// its kind needs, the objects refer to each other correctly (selectors, named ports, the HPA
// target), the weir-config ConfigMap is mounted where --config points and holds a file
// `weir config check` accepts, the configuration weir serve gets from it (and the container's
// environment, which overrides none of it) matches the ports, volumes and grace period, the
// probes hit paths weir's metrics listener serves, and Envoy and Prometheus configs point at
// what the manifests expose.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runConfigCheck } from "../../src/cli/config-check.js";
import { formatProblem } from "../../src/config/file/problems.js";
import type { ServeConfigLoad } from "../../src/config/load-serve-config.js";
import { SERVE_SETTINGS, type ServeConfig } from "../../src/config/serve-config.js";
import { createMetrics } from "../../src/metrics/metrics.js";
import { type MetricsServer, startMetricsServer } from "../../src/metrics/metrics-server.js";
import {
  containerPort,
  envOf,
  flagOf,
  K8S_DIR,
  keptByRelabel,
  loadManifests,
  loadServeConfigOf,
  metaLabel,
  only,
  projectConfigMap,
  selects,
  yamlFiles,
} from "./k8s-manifests.js";
import { kubernetesExampleJob } from "./prometheus-config.js";
import { ROOT } from "./prometheus-tools.js";

const API_VERSIONS: Record<string, string> = {
  Deployment: "apps/v1",
  Service: "v1",
  ConfigMap: "v1",
  HorizontalPodAutoscaler: "autoscaling/v2",
  PodDisruptionBudget: "policy/v1",
  NetworkPolicy: "networking.k8s.io/v1",
  Kustomization: "kustomize.config.k8s.io/v1beta1",
};

const manifests = loadManifests();
const deployment = only(manifests, "Deployment", "deployment.yaml");
const pod = deployment.spec.template;
const weir = pod.spec.containers.find((c: { name: string }) => c.name === "weir");
const service = only(manifests, "Service");
const kustomization = only(manifests, "Kustomization");
const configMap = only(manifests, "ConfigMap", "weir-config.yaml");
const configFile: string = flagOf(weir, "--config") ?? "";
const configVolume = pod.spec.volumes.find(
  (v: { configMap?: { name: string } }) => v.configMap?.name === configMap.metadata.name,
);
const configMount = weir.volumeMounts.find((m: { name: string }) => m.name === configVolume?.name);

// The ConfigMap laid out as the kubelet projects it, in place of its mount.
const work = mkdtempSync(join(tmpdir(), "weir-k8s-config-"));
const localConfigFile = join(work, basename(configFile));
let load: ServeConfigLoad | undefined;
beforeAll(async () => {
  projectConfigMap(work, configMap.data);
  load = await loadServeConfigOf(weir, envOf(weir), { [dirname(configFile)]: work });
});
/** What weir serve runs with in the weir container; a test that needs it fails without it. */
function served(): ServeConfig {
  if (load?.ok !== true) {
    const problems = load?.ok === false ? load.problems.map((p) => formatProblem(p)) : [];
    throw new Error(`weir serve would not start: ${problems.join("; ")}`);
  }
  return load.config;
}
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("deploy/k8s manifests", () => {
  it("parse, each with the API version its kind needs and a name", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(8);
    for (const m of manifests) {
      expect(API_VERSIONS[m.kind], `${m.file}: kind ${m.kind}`).toBe(m.apiVersion);
      if (m.kind !== "Kustomization") expect(m.name, m.file).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it("are all reachable from kustomization.yaml (applied, or commented in as the patch)", () => {
    const text = readFileSync(join(K8S_DIR, "kustomization.yaml"), "utf8");
    for (const file of kustomization.resources) expect(existsSync(join(K8S_DIR, file))).toBe(true);
    expect(text).toContain("# - custom-signatures.yaml");
    expect(text).toContain("#   - path: custom-signatures-patch.yaml");
    const listed = [...kustomization.resources, "kustomization.yaml"];
    const optional = ["custom-signatures.yaml", "custom-signatures-patch.yaml"];
    expect(yamlFiles().sort()).toEqual([...listed, ...optional].sort());
    expect(kustomization.images.map((i: { name: string }) => i.name)).toEqual([
      weir.image.split(":")[0],
    ]);
  });

  it("select the Deployment's pods: its own selector, the Service, PDB and NetworkPolicy", () => {
    const labels = pod.metadata.labels;
    expect(selects(deployment.spec.selector.matchLabels, labels)).toBe(true);
    expect(selects(service.spec.selector, labels)).toBe(true);
    expect(selects(only(manifests, "PodDisruptionBudget").spec.selector.matchLabels, labels)).toBe(
      true,
    );
    expect(selects(only(manifests, "NetworkPolicy").spec.podSelector.matchLabels, labels)).toBe(
      true,
    );
  });

  it("scale the Deployment with the HPA on CPU, which needs a CPU request", () => {
    const hpa = only(manifests, "HorizontalPodAutoscaler");
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: deployment.apiVersion,
      kind: "Deployment",
      name: deployment.metadata.name,
    });
    expect(hpa.spec.metrics[0].resource.name).toBe("cpu");
    expect(weir.resources.requests.cpu).toBeDefined();
    expect(hpa.spec.minReplicas).toBeGreaterThan(
      only(manifests, "PodDisruptionBudget").spec.maxUnavailable,
    );
  });

  it("expose named container ports through the Service, gRPC as h2c", () => {
    for (const port of service.spec.ports) {
      const target = containerPort(weir, port.targetPort);
      expect(target, `Service port ${port.name}`).toBeDefined();
      expect(target.name).toBe(port.name);
      expect(target.containerPort).toBe(port.port);
    }
    const grpc = service.spec.ports.find((p: { name: string }) => p.name === "grpc");
    expect(grpc.appProtocol).toBe("kubernetes.io/h2c");
    expect(service.spec.clusterIP).toBe("None");
  });

  it("run weir serve on listen addresses that are the ports it exposes", () => {
    const known = new Set(SERVE_SETTINGS.map((s) => s.env));
    for (const name of Object.keys(envOf(weir))) expect(known, `env ${name}`).toContain(name);
    expect(weir.args[0]).toBe("serve");
    expect(served().grpcListen.port).toBe(containerPort(weir, "grpc").containerPort);
    expect(served().metricsListen.port).toBe(containerPort(weir, "metrics").containerPort);
    expect(served().grpcListen.host).toBe("0.0.0.0");
    expect(served().metricsListen.host).toBe("0.0.0.0");
  });

  it("run non-root on a read-only root, with the cache directory on a writable volume", () => {
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(weir.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    const volumes = new Map(pod.spec.volumes.map((v: { name: string }) => [v.name, v]));
    for (const mount of weir.volumeMounts) expect(volumes.has(mount.name)).toBe(true);
    const cacheDir = served().cacheDir ?? "";
    const holder = weir.volumeMounts.find((m: { mountPath: string }) =>
      cacheDir.startsWith(`${m.mountPath}/`),
    );
    expect(holder, `no volume holds ${cacheDir}`).toBeDefined();
    expect(holder.readOnly ?? false).toBe(false);
    expect((volumes.get(holder.name) as { emptyDir?: unknown }).emptyDir).toBeDefined();
  });

  it("give the drain (after the preStop sleep) time to finish before SIGKILL", () => {
    const drain = served().drainTimeoutSeconds;
    const [command, seconds] = weir.lifecycle.preStop.exec.command;
    expect(command).toBe("sleep");
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(drain + Number(seconds));
  });

  it("let only Envoy reach gRPC and only Prometheus reach metrics, and nothing out", () => {
    const policy = only(manifests, "NetworkPolicy");
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.egress).toEqual([]);
    const byPort = new Map<string, string[]>();
    for (const rule of policy.spec.ingress) {
      const from = rule.from.map((f: { podSelector: { matchLabels: object } }) =>
        Object.values(f.podSelector.matchLabels).join(),
      );
      for (const p of rule.ports) {
        expect(containerPort(weir, p.port), `port ${p.port}`).toBeDefined();
        byPort.set(p.port, [...(byPort.get(p.port) ?? []), ...from]);
      }
    }
    expect(new Set(byPort.get("grpc"))).toEqual(new Set(["envoy"]));
    expect(new Set(byPort.get("metrics"))).toEqual(new Set(["prometheus"]));
  });

  it("are the targets of Envoy's weir cluster and of Prometheus' kubernetes_sd example", () => {
    const envoy = parse(readFileSync(join(ROOT, "deploy/envoy/envoy.yaml"), "utf8"));
    const cluster = envoy.static_resources.clusters.find(
      (c: { name: string }) => c.name === "weir",
    );
    const endpoint = cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint;
    const grpc = service.spec.ports.find((p: { name: string }) => p.name === "grpc");
    expect(endpoint.address.socket_address.port_value).toBe(grpc.port);
    const job = kubernetesExampleJob();
    const kept = weir.ports.filter((p: { name: string }) =>
      keptByRelabel(job.relabel_configs ?? [], {
        ...Object.fromEntries(
          Object.entries(pod.metadata.labels).map(([k, v]) => [
            `__meta_kubernetes_pod_label_${metaLabel(k)}`,
            String(v),
          ]),
        ),
        __meta_kubernetes_pod_container_port_name: p.name,
      }),
    );
    expect(kept.map((p: { name: string }) => p.name)).toEqual(["metrics"]);
    expect(job.metrics_path).toBe("/metrics");
  });
});

describe("the weir-config ConfigMap (weir-config.yaml)", () => {
  it("is mounted whole and read-only where weir serve's --config points", () => {
    expect(configFile).toMatch(/^\//);
    expect(configVolume, "a volume of the weir-config ConfigMap").toBeDefined();
    expect(configMount, "the weir container mounts it").toBeDefined();
    expect(configMount.mountPath).toBe(dirname(configFile));
    // A subPath mount never sees the ConfigMap's updates, so a reload would never happen.
    expect(configMount.subPath).toBeUndefined();
    expect(configMount.readOnly).toBe(true);
    expect(Object.keys(configMap.data)).toContain(basename(configFile));
  });

  it("holds a weir.yaml that weir config check accepts", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
    expect(await runConfigCheck({ file: localConfigFile }, io), err.join("")).toBe(0);
    expect(out.join("")).toContain(": valid");
  });

  it("is reloaded when it changes, and no WEIR_* variable overrides one of its keys", async () => {
    expect(served().watch).toBe(true);
    expect(served().configFile).toBe(localConfigFile);
    const patch = only(manifests, "Deployment", "custom-signatures-patch.yaml");
    const patched = patch.spec.template.spec.containers.find(
      (c: { name: string }) => c.name === weir.name,
    );
    const signatures = patched.volumeMounts.find((m: { name: string }) => m.name === "signatures");
    const mounts = {
      [dirname(configFile)]: work,
      [signatures.mountPath]: join(ROOT, "signatures"),
    };
    for (const env of [envOf(weir), { ...envOf(weir), ...envOf(patched) }]) {
      const loaded = await loadServeConfigOf(weir, env, mounts);
      expect(loaded.ok && loaded.overridden, JSON.stringify(env)).toEqual([]);
    }
  });
});

describe("the Deployment's probes against weir's metrics listener", () => {
  let ready = false;
  let server: MetricsServer;
  beforeAll(async () => {
    server = await startMetricsServer({
      listen: { host: "127.0.0.1", port: 0 },
      registry: createMetrics({ defaultMetrics: false }).registry,
      isReady: () => ready,
    });
  });
  afterAll(() => server.close());

  const status = async (path: string) =>
    (await fetch(`http://127.0.0.1:${server.port}${path}`)).status;

  it("probe the metrics port: liveness on /healthz, readiness on /readyz", () => {
    for (const probe of [weir.livenessProbe, weir.readinessProbe]) {
      expect(probe.httpGet.port).toBe("metrics");
    }
    expect(weir.livenessProbe.httpGet.path).toBe("/healthz");
    expect(weir.readinessProbe.httpGet.path).toBe("/readyz");
  });

  it("liveness succeeds while compiling; readiness only once weir says it is ready", async () => {
    ready = false;
    expect(await status(weir.livenessProbe.httpGet.path)).toBe(200);
    expect(await status(weir.readinessProbe.httpGet.path)).toBe(503);
    ready = true;
    expect(await status(weir.readinessProbe.httpGet.path)).toBe(200);
  });
});
