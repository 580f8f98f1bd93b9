// The optional custom-signatures setup of deploy/k8s, run as far as it can be without a
// cluster: the ConfigMap is laid out as the kubelet projects it (entries as symbolic links
// into a timestamped directory), the patch's init container command runs on it with its
// paths mapped to a temporary directory, and weir loads the result: the built-in set plus the
// ConfigMap's signatures, every sample passing, also with the weir-config ConfigMap's file in
// place (the patch's WEIR_SIGNATURES and the file do not compete for a key). The Dockerfile
// facts the patch relies on (where the built-in set lives, the user id, the ports) are checked
// too.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FAMILY_ID_RANGES, LOCAL_ID_OFFSET } from "../../src/signatures/id-ranges.js";
import { loadSignatures } from "../../src/signatures/load.js";
import { runSamples } from "../../src/signatures/sample-test.js";
import {
  envOf,
  flagOf,
  K8S_DIR,
  loadManifests,
  loadServeConfigOf,
  only,
  projectConfigMap,
} from "./k8s-manifests.js";
import { ROOT } from "./prometheus-tools.js";

const manifests = loadManifests();
const base = only(manifests, "Deployment", "deployment.yaml");
const patch = only(manifests, "Deployment", "custom-signatures-patch.yaml");
const configMap = only(manifests, "ConfigMap", "custom-signatures.yaml");
const weirConfig = only(manifests, "ConfigMap", "weir-config.yaml");
const baseWeir = base.spec.template.spec.containers[0];
const patchSpec = patch.spec.template.spec;
const patchWeir = patchSpec.containers.find((c: { name: string }) => c.name === baseWeir.name);
const init = patchSpec.initContainers[0];
const dockerfile = readFileSync(join(K8S_DIR, "Dockerfile"), "utf8");
const BUILTIN_IN_IMAGE = "/app/signatures";

const volume = (name: string) => patchSpec.volumes.find((v: { name: string }) => v.name === name);
const mountOf = (container: { volumeMounts: { name: string; mountPath: string }[] }, v: string) =>
  container.volumeMounts.find((m) => m.name === v)?.mountPath;

const work = mkdtempSync(join(tmpdir(), "weir-k8s-signatures-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("custom signatures from a ConfigMap (custom-signatures*.yaml)", () => {
  it("patch the Deployment's weir container with the ConfigMap and the image it runs", () => {
    expect(patch.metadata.name).toBe(base.metadata.name);
    expect(patchWeir).toBeDefined();
    expect(init.image).toBe(baseWeir.image);
    expect(volume("custom-signatures").configMap.name).toBe(configMap.metadata.name);
    expect(volume("signatures").emptyDir).toBeDefined();
    expect(init.securityContext).toEqual(baseWeir.securityContext);
  });

  it("point WEIR_SIGNATURES at the directory the init container fills", () => {
    const target = mountOf(init, "signatures");
    expect(envOf(patchWeir).WEIR_SIGNATURES).toBe(target);
    expect(mountOf(patchWeir, "signatures")).toBe(target);
    const script: string = init.command.at(-1);
    expect(script).toContain(`${BUILTIN_IN_IMAGE}/*.yaml`);
    expect(script).toContain(`${mountOf(init, "custom-signatures")}/*.yaml`);
  });

  it("give weir the built-in set plus the ConfigMap's, every sample passing", async () => {
    const custom = join(work, "custom");
    const out = join(work, "signatures");
    mkdirSync(out);
    projectConfigMap(custom, configMap.data);
    const script = (init.command.at(-1) as string)
      .replaceAll(BUILTIN_IN_IMAGE, join(ROOT, "signatures"))
      .replaceAll(mountOf(init, "custom-signatures") ?? "", custom)
      .replaceAll(mountOf(init, "signatures") ?? "", out);
    execFileSync(init.command[0], [...init.command.slice(1, -1), script], { timeout: 10_000 });

    const builtin = await loadSignatures(join(ROOT, "signatures"));
    const merged = await loadSignatures(out);
    expect(merged.report.failed).toEqual([]);
    const ids = new Set(merged.report.loaded.map((e) => e.id));
    const added = merged.report.loaded.filter(
      (e) => !builtin.report.loaded.some((b) => b.id === e.id),
    );
    expect(ids.size).toBe(builtin.report.loaded.length + added.length);
    expect(added.length).toBe(Object.keys(configMap.data).length);
    for (const e of added) {
      const range = FAMILY_ID_RANGES[e.family];
      expect(e.id - (range?.first ?? Number.NaN)).toBeGreaterThanOrEqual(LOCAL_ID_OFFSET);
    }
    const samples = await runSamples(
      merged.signatures.filter((s) => added.some((a) => a.id === s.id)),
    );
    expect(samples.failures).toEqual([]);
    expect(samples.passed).toBeGreaterThan(0);
    expect(readdirSync(out).every((f) => f.endsWith(".yaml"))).toBe(true);
    const config = join(work, "config");
    projectConfigMap(config, weirConfig.data);
    const env = { ...envOf(baseWeir), ...envOf(patchWeir), WEIR_SIGNATURES: out };
    const mounts = { [dirname(flagOf(baseWeir, "--config") ?? "")]: config };
    const loaded = await loadServeConfigOf(baseWeir, env, mounts);
    expect(loaded.ok && loaded.config.signaturesDirs).toEqual([out]);
  });
});

describe("deploy/k8s/Dockerfile (not built here: no container runtime)", () => {
  const lines = dockerfile.split("\n");
  const last = (instruction: string) =>
    lines
      .filter((l) => l.startsWith(`${instruction} `))
      .at(-1)
      ?.slice(instruction.length + 1);

  it("puts the built-in signatures where the init container copies them from", () => {
    expect(last("WORKDIR")).toBe("/app");
    expect(lines).toContain("COPY signatures/ signatures/");
  });

  it("runs as the user and exposes the ports the Deployment declares", () => {
    const security = base.spec.template.spec.securityContext;
    expect(last("USER")).toBe(`${security.runAsUser}:${security.runAsGroup}`);
    const ports = baseWeir.ports.map((p: { containerPort: number }) => String(p.containerPort));
    expect(last("EXPOSE")?.split(" ").sort()).toEqual(ports.sort());
    // The Deployment runs the image's command, with --config added.
    const cmd = JSON.parse(last("CMD") ?? "null") as string[];
    expect(baseWeir.args.slice(0, cmd.length)).toEqual(cmd);
  });
});
