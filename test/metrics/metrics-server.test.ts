import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "../../src/metrics/metrics.js";
import { type MetricsServer, startMetricsServer } from "../../src/metrics/metrics-server.js";

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(isReady: () => boolean) {
  const metrics = createMetrics({ defaultMetrics: false });
  server = await startMetricsServer({
    listen: { host: "127.0.0.1", port: 0 },
    registry: metrics.registry,
    isReady,
  });
  const base = `http://127.0.0.1:${server.port}`;
  return { metrics, get: (path: string, init?: RequestInit) => fetch(`${base}${path}`, init) };
}

describe("metrics server", () => {
  it("serves the registry on /metrics in Prometheus text format", async () => {
    const { metrics, get } = await start(() => true);
    metrics.activeStreams.set(3);
    const res = await get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(metrics.registry.contentType);
    const body = await res.text();
    expect(body).toContain("# TYPE weir_active_streams gauge");
    expect(body).toContain("weir_active_streams 3");
  });

  it("answers /healthz while the process runs, ready or not", async () => {
    const { get } = await start(() => false);
    expect((await get("/healthz")).status).toBe(200);
  });

  it("answers /readyz with 503 until ready, then 200, and 503 again when readiness drops", async () => {
    let ready = false;
    const { get } = await start(() => ready);
    expect((await get("/readyz")).status).toBe(503);
    ready = true;
    expect((await get("/readyz")).status).toBe(200);
    ready = false;
    expect((await get("/readyz")).status).toBe(503);
  });

  it("ignores the query string and answers HEAD without a body", async () => {
    const { get } = await start(() => true);
    expect((await get("/readyz?verbose=1")).status).toBe(200);
    const head = await get("/metrics", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("answers 404 for other paths and 405 for other methods", async () => {
    const { get } = await start(() => true);
    const missing = await get("/");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("/metrics, /healthz or /readyz");
    const post = await get("/metrics", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("says which address it could not listen on", async () => {
    await start(() => true);
    const port = server?.port ?? 0;
    const metrics = createMetrics({ defaultMetrics: false });
    await expect(
      startMetricsServer({
        listen: { host: "127.0.0.1", port },
        registry: metrics.registry,
        isReady: () => true,
      }),
    ).rejects.toThrow(`metrics listener: cannot listen on 127.0.0.1:${port}`);
  });
});
