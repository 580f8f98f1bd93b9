// Hot reload of a running `weir serve` (real engine, in-process, 127.0.0.1): a stream keeps the
// runtime it started with, a failed reload keeps the running one and shows in the metrics, and
// a changed file (including a ConfigMap-style ..data swap) reloads without a signal.
import { mkdirSync, renameSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ExtProcClient, finishPost } from "./ext-proc-client.js";
import { markerSignatures, remove, ServeHarness, tempDir, write } from "./serve-harness.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A directory with weir.yaml and sigs/markers.yaml; returns the paths. */
function setUp(config: string, marker = "weirtestalpha") {
  const dir = tempDir();
  mkdirSync(join(dir, "sigs"));
  const paths = {
    dir,
    config: join(dir, "weir.yaml"),
    signatures: join(dir, "sigs", "markers.yaml"),
  };
  write(paths.signatures, markerSignatures(marker));
  write(paths.config, config);
  cleanups.push(() => remove(dir));
  return paths;
}

const BASE = `listeners:
  grpc: { address: "127.0.0.1:0" }
  metrics: { address: "127.0.0.1:0" }
signatures: sigs
cacheDir: "off"
`;

async function start(config: string) {
  const h = await ServeHarness.start({ config });
  cleanups.push(() => h.stop());
  const client = new ExtProcClient(h.ports.grpc);
  cleanups.push(() => client.close());
  return { h, client };
}

describe("weir serve hot reload", () => {
  it("finishes a stream opened before a reload on the engine it started with", async () => {
    const paths = setUp(`${BASE}reload: { watch: false }\n`);
    const { h, client } = await start(paths.config);
    const hashBefore = h.reloader?.active.runtime.engine.info.hash;

    const before = await client.startPost("opened-before-reload");
    write(paths.signatures, markerSignatures("weirtestbeta"));
    const reloaded = await h.hangUp();
    expect(reloaded).toMatchObject({
      msg: "configuration reloaded",
      reason: "SIGHUP",
      generation: 1,
    });

    expect(await finishPost(before, "q=weirtestalpha")).toBe("block");
    expect(await client.post("q=weirtestalpha")).toBe("continue");
    expect(await client.post("q=weirtestbeta")).toBe("block");
    expect(h.reloader?.active.runtime.engine.info.hash).not.toBe(hashBefore);
    expect(await h.metric('weir_config_reloads_total{result="success"}')).toBe(1);
    expect(await h.metric("weir_config_last_reload_successful")).toBe(1);
    // The reload loaded and compiled in its worker thread, not on the serving thread.
    expect(h.lines.filter((l) => String(l.msg).includes("compile worker"))).toEqual([]);
  });

  it("keeps the running runtime after a failed reload, logs where, and counts it", async () => {
    const paths = setUp(`${BASE}reload: { watch: false }\n`);
    const { h, client } = await start(paths.config);

    write(paths.config, `${BASE}reload: { watch: false }\nmode: [enforce\n`);
    const badYaml = await h.hangUp();
    expect(badYaml).toMatchObject({ level: "error", reason: "SIGHUP", generation: 0 });
    expect(String(badYaml.error)).toMatch(/weir\.yaml:\d+:\d+: YAML: /);

    write(paths.config, `${BASE}reload: { watch: false }\nmode: detect\n`);
    write(paths.signatures, "family: scanner\nsignatures:\n\t- id: 111500\n");
    const badSignatures = await h.hangUp();
    expect(String(badSignatures.error)).toContain("markers.yaml");

    expect(await h.metric('weir_config_reloads_total{result="failure"}')).toBe(2);
    expect(await h.metric('weir_config_reloads_total{result="success"}')).toBe(0);
    expect(await h.metric("weir_config_last_reload_successful")).toBe(0);
    expect(await client.post("q=weirtestalpha")).toBe("block");

    write(paths.signatures, markerSignatures("weirtestalpha"));
    expect(await h.hangUp()).toMatchObject({ msg: "configuration reloaded", mode: "detect" });
    expect(await h.metric("weir_config_last_reload_successful")).toBe(1);
    expect(await client.post("q=weirtestalpha")).toBe("continue");
  });

  it("reloads when a watched signature file changes, without a signal", async () => {
    const paths = setUp(BASE);
    const { h, client } = await start(paths.config);
    const reloaded = h.waitFor((l) => l.msg === "configuration reloaded");
    write(paths.signatures, markerSignatures("weirtestbeta"));
    expect(String((await reloaded).reason)).toContain("file change");
    expect(await client.post("q=weirtestbeta")).toBe("block");
    expect(await client.post("q=weirtestalpha")).toBe("continue");
  });

  it("reloads a ConfigMap-style file when Kubernetes swaps ..data", async () => {
    const paths = setUp(BASE);
    const dir = join(paths.dir, "configmap");
    mkdirSync(join(dir, "..v1"), { recursive: true });
    write(
      join(dir, "..v1", "weir.yaml"),
      `${BASE.replace("signatures: sigs", "signatures: ../sigs")}`,
    );
    symlinkSync("..v1", join(dir, "..data"));
    symlinkSync("..data/weir.yaml", join(dir, "weir.yaml"));
    const { h, client } = await start(join(dir, "weir.yaml"));
    expect(await client.post("q=weirtestalpha")).toBe("block");

    const reloaded = h.waitFor((l) => l.msg === "configuration reloaded");
    mkdirSync(join(dir, "..v2"));
    write(
      join(dir, "..v2", "weir.yaml"),
      `${BASE.replace("signatures: sigs", "signatures: ../sigs")}mode: detect\n`,
    );
    symlinkSync("..v2", join(dir, "..data_tmp"));
    renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
    expect(await reloaded).toMatchObject({ mode: "detect" });
    expect(await client.post("q=weirtestalpha")).toBe("continue");
  });

  it("keeps a listener change for the next restart and applies the rest", async () => {
    const paths = setUp(`${BASE}reload: { watch: false }\n`);
    const { h, client } = await start(paths.config);
    const changed = BASE.replace('"127.0.0.1:0" }\n  metrics', '"127.0.0.1:1" }\n  metrics');
    const route = "routes: [{ name: notes-api, match: { pathPrefix: /notes } }]\n";
    write(paths.config, `${changed}reload: { watch: false }\nmode: detect\n${route}`);
    const warning = h.waitFor(
      (l) => l.msg === "setting needs a restart; keeping the running value",
    );
    expect(await h.hangUp()).toMatchObject({ msg: "configuration reloaded" });
    expect(await warning).toMatchObject({
      key: "listeners.grpc.address",
      requested: "127.0.0.1:1",
    });
    expect(await client.post("q=weirtestalpha")).toBe("continue");
    // The new route's series exist (at zero) from the reload on.
    const metrics = await (await fetch(`http://127.0.0.1:${h.ports.metrics}/metrics`)).text();
    expect(metrics).toContain('route="notes-api"');
  });
});
