/**
 * weir against a real attack tool: Debian's sqlmap attacks a deliberately injectable app
 * (vulnerable-app.ts) through `weir proxy` and the real `weir serve` executable. Without weir
 * and with weir in detect mode sqlmap must find the injections; in enforce mode it must find
 * none, because weir's SQL-injection signatures (not its scanner User-Agent signature) refused
 * the payloads. One last run keeps sqlmap's own User-Agent and must be refused outright.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countsBetween, type RunCounts, scrape } from "./metrics-scrape.js";
import {
  BROWSER_USER_AGENT,
  keyLines,
  reportsInjection,
  reportsNothingInjectable,
  requireSqlmap,
  runSqlmap,
  type SqlmapRun,
} from "./sqlmap-runner.js";
import { startVulnerableApp, type VulnerableApp } from "./vulnerable-app.js";
import { startWeirProxy, startWeirServe, type WeirProxy, type WeirServe } from "./weir-cli.js";

const AS_BROWSER = ["--user-agent", BROWSER_USER_AGENT];
const LOGIN_FORM = ["--data", "user=a&pass=b"];
const RUN_TIMEOUT_MS = 120_000;

interface Stack {
  readonly serve: WeirServe;
  readonly proxy: WeirProxy;
}

let app: VulnerableApp;
let detect: Stack;
let enforce: Stack;
const started: { stop(): Promise<void> }[] = [];

async function startStack(mode: "detect" | "enforce"): Promise<Stack> {
  const serve = await startWeirServe(mode);
  started.push(serve);
  const proxy = await startWeirProxy(app.port, serve.grpc);
  started.push(proxy);
  return { serve, proxy };
}

/** Runs sqlmap through `stack`, printing its key lines, and returns what weir counted. */
async function attack(
  label: string,
  stack: Stack,
  path: string,
  extra: readonly string[],
): Promise<{ run: SqlmapRun; counts: RunCounts }> {
  const before = await scrape(stack.serve.metricsUrl);
  const run = await runSqlmap(`${stack.proxy.url}${path}`, extra);
  const counts = countsBetween(before, await scrape(stack.serve.metricsUrl));
  report(label, run, counts);
  return { run, counts };
}

function report(label: string, run: SqlmapRun, counts?: RunCounts): void {
  const weir = counts === undefined ? "" : `\n  weir: ${JSON.stringify(counts)}`;
  const lines = keyLines(run.output).map((l) => `  | ${l}`);
  console.log(`sqlmap ${label}: ${run.seconds.toFixed(1)} s${weir}\n${lines.join("\n")}`);
}

/** Requests the app received whose decoded URL or body carries a UNION-based payload. */
function unionPayloadsReceived(): number {
  return app.received.filter((r) =>
    /union\s+(?:all\s+)?select/i.test(decodeURIComponent(`${r.url} ${r.body}`.replace(/\+/g, " "))),
  ).length;
}

beforeAll(async () => {
  requireSqlmap();
  app = await startVulnerableApp();
  [detect, enforce] = await Promise.all([startStack("detect"), startStack("enforce")]);
}, 240_000);

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await app?.close();
}, 60_000);

describe("sqlmap against the deliberately injectable app", () => {
  it(
    "finds the GET and POST injections without weir (the control)",
    async () => {
      const url = `http://127.0.0.1:${app.port}`;
      const products = await runSqlmap(`${url}/products?id=1`, AS_BROWSER);
      report("direct GET /products", products);
      expect(reportsInjection(products.output, "id", "GET")).toBe(true);
      expect(products.output).toContain("the back-end DBMS is SQLite");
      const login = await runSqlmap(`${url}/login`, [...AS_BROWSER, ...LOGIN_FORM]);
      report("direct POST /login", login);
      expect(reportsInjection(login.output, "user", "POST")).toBe(true);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "still finds them through weir in detect mode, which counts detections and blocks nothing",
    async () => {
      const products = await attack("detect GET /products", detect, "/products?id=1", AS_BROWSER);
      expect(reportsInjection(products.run.output, "id", "GET")).toBe(true);
      expect(products.run.output).toContain("the back-end DBMS is SQLite");
      expect(products.counts.blocked).toBe(0);
      expect(products.counts.detected).toBeGreaterThan(0);
      expect(products.counts.families.sqli ?? 0).toBeGreaterThan(0);

      const login = await attack("detect POST /login", detect, "/login", [
        ...AS_BROWSER,
        ...LOGIN_FORM,
      ]);
      expect(reportsInjection(login.run.output, "user", "POST")).toBe(true);
      expect(login.counts.blocked).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "finds nothing through weir in enforce mode: the SQLi signatures block the payloads",
    async () => {
      const unionBefore = unionPayloadsReceived();
      const { run, counts } = await attack(
        "enforce GET /products",
        enforce,
        "/products?id=1",
        AS_BROWSER,
      );
      expect(reportsNothingInjectable(run.output)).toBe(true);
      expect(counts.blocked).toBeGreaterThan(0);
      expect(counts.families.sqli ?? 0).toBeGreaterThan(0);
      expect(counts.families.scanner ?? 0).toBe(0);
      expect(unionPayloadsReceived()).toBe(unionBefore);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "finds nothing in the login form through weir in enforce mode",
    async () => {
      const unionBefore = unionPayloadsReceived();
      const { run, counts } = await attack("enforce POST /login", enforce, "/login", [
        ...AS_BROWSER,
        ...LOGIN_FORM,
      ]);
      expect(reportsNothingInjectable(run.output)).toBe(true);
      expect(counts.blocked).toBeGreaterThan(0);
      expect(counts.families.sqli ?? 0).toBeGreaterThan(0);
      expect(counts.families.scanner ?? 0).toBe(0);
      expect(unionPayloadsReceived()).toBe(unionBefore);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "refuses every request of sqlmap with its own User-Agent (scanner family)",
    async () => {
      const reachedBefore = app.received.length;
      const { run, counts } = await attack("enforce default UA", enforce, "/products?id=1", []);
      expect(run.output).toContain("sqlmap");
      expect(reportsInjection(run.output, "id", "GET")).toBe(false);
      expect(counts.blocked).toBeGreaterThan(0);
      // Every refusal carries a scanner hit, and nothing reached the app.
      expect(counts.families.scanner ?? 0).toBeGreaterThanOrEqual(counts.blocked);
      expect(app.received.length).toBe(reachedBefore);
    },
    RUN_TIMEOUT_MS,
  );
});
