/**
 * The rollout story of docs/operations.md, end to end with the real executables and no
 * restart: `weir serve --config FILE` in detect mode with a route `notes`, `weir proxy` in
 * front of a small echo app. A benign note (prose with a relative import path) trips built-in
 * signatures; the test reads the route, signature ids and field from the security event (no
 * id is written here), adds an exclusion for exactly that route, field and those ids, switches
 * to enforce and sends SIGHUP. Then the note passes, attacks on the same route (SQL injection
 * in another field, the excluded signatures' own attack in another field, SQL injection in the
 * excluded field) get 403, a broken edit picked up by the file watcher is refused while the
 * running configuration keeps serving, the fixed edit is applied, and the process is the one
 * that started.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runConfigCheck } from "../../src/cli/config-check.js";
import { stopChild } from "../support/stop-child.js";
import { type Sample, scrape, total } from "./metrics-scrape.js";
import { startWeirProxy, type WeirProxy } from "./weir-cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = import.meta.resolve("tsx");
const ROUTE = "notes";
/** A developer's note: prose naming a relative import path, as code-review notes do. */
const NOTE = {
  title: "Refactor",
  comment:
    "Refactor done: the handlers now import the date helpers from ../../lib/dates.js " +
    "instead of copying them.",
};
const WAIT_MS = 15_000;

type Line = Record<string, unknown>;
interface EventMatch {
  readonly signature_id: number;
  readonly target: string;
  readonly field: string;
}

/** The application: echoes each JSON body it received with the request id Envoy's side set. */
interface EchoApp {
  readonly port: number;
  readonly server: Server;
}

async function startEchoApp(): Promise<EchoApp> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ requestId: req.headers["x-request-id"] ?? "", body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

/** `weir serve --config FILE` as a child process (under timeout(1), as weir-cli.ts does). */
interface Serve {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly lines: Line[];
  readonly grpc: string;
  readonly metricsUrl: string;
}

async function startServe(configFile: string): Promise<Serve> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("WEIR_")),
  );
  const args = ["serve", "--config", configFile, "--workers", "1"];
  const child = spawn(
    "timeout",
    ["300", process.execPath, "--import", TSX, "src/cli/main.ts", ...args],
    {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const lines: Line[] = [];
  createInterface({ input: child.stdout }).on("line", (text) => {
    try {
      lines.push(JSON.parse(text) as Line);
    } catch {
      lines.push({ msg: "(not JSON)", text });
    }
  });
  const serving = await eventually("weir serving", 45_000, async () => {
    if (child.exitCode !== null) throw new Error(`weir serve exited with ${child.exitCode}`);
    return lines.find((l) => l.msg === "weir serving");
  }).catch(async (error: unknown) => {
    await stopChild(child, exited, 15_000);
    throw error;
  });
  return {
    child,
    exited,
    lines,
    grpc: String(serving.grpc_listen),
    metricsUrl: `http://${String(serving.metrics_listen)}`,
  };
}

/** The node process timeout(1) runs: the weir process itself. */
function weirPid(serve: Serve): number {
  const pid = serve.child.pid ?? 0;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ");
  expect(children.length).toBe(1);
  return Number(children[0]);
}

async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await delay(50);
  }
}

/**
 * The operator's edit of the configuration file: written whole to a copy outside the watched
 * directory (where `weir config check` can judge it), then renamed into place in one step, as
 * editors and Kubernetes ConfigMap volumes replace files.
 */
function editConfig(routeExtra: Record<string, unknown>, mode: string): string {
  const config = {
    listeners: {
      grpc: { address: "127.0.0.1:0", drainTimeoutSeconds: 2 },
      metrics: { address: "127.0.0.1:0" },
    },
    mode,
    routes: [{ name: ROUTE, match: { pathPrefix: "/api/notes" }, ...routeExtra }],
  };
  writeFileSync(editFile, stringify(config));
  return editFile;
}

function installConfig(): void {
  renameSync(editFile, configFile);
}

interface Answer {
  readonly status: number;
  readonly requestId: string;
  /** The body the application received (echoed), for an answer from the application. */
  readonly received?: string;
}

async function postNote(proxy: WeirProxy, note: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${proxy.url}/api/notes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(note),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await response.json()) as {
    requestId?: string;
    request_id?: string;
    body?: string;
  };
  return {
    status: response.status,
    requestId: json.requestId ?? json.request_id ?? "",
    ...(json.body === undefined ? {} : { received: json.body }),
  };
}

function securityEvent(serve: Serve, requestId: string): Line | undefined {
  return serve.lines.find((l) => l.event === "security" && l.request_id === requestId);
}

type ReloadResult = "success" | "failure";

/** weir's log lines for reloads that succeeded or failed, oldest first. */
function reloadLines(serve: Serve, result: ReloadResult): Line[] {
  const msg =
    result === "success"
      ? "configuration reloaded"
      : "reload failed; the running configuration stays";
  return serve.lines.filter((l) => l.msg === msg);
}

/** How many reloads with `result` weir had counted and logged so far. */
interface ReloadMark {
  readonly counted: number;
  readonly logged: number;
}

async function reloadMark(serve: Serve, result: ReloadResult): Promise<ReloadMark> {
  const counted = total(await scrape(serve.metricsUrl), "weir_config_reloads_total", { result });
  return { counted, logged: reloadLines(serve, result).length };
}

/**
 * Waits for a reload with `result` after `mark` whose logged reason matches `reason`, and for
 * weir_config_reloads_total{result} to have counted it; returns its log line.
 */
async function nextReload(
  serve: Serve,
  result: ReloadResult,
  mark: ReloadMark,
  reason: RegExp,
): Promise<Line> {
  return await eventually(
    `a ${result} reload (${reason}), logged and counted`,
    WAIT_MS,
    async () => {
      const lines = reloadLines(serve, result).slice(mark.logged);
      const line = lines.find((l) => reason.test(String(l.reason)));
      if (line === undefined) return undefined;
      const m = await scrape(serve.metricsUrl);
      return total(m, "weir_config_reloads_total", { result }) > mark.counted ? line : undefined;
    },
  );
}

let app: EchoApp;
let serve: Serve | undefined;
let proxy: WeirProxy | undefined;
const work = mkdtempSync(join(tmpdir(), "weir-rollout-"));
const configFile = join(work, "config", "weir.yaml");
const editFile = join(work, "weir.yaml.edit");

beforeAll(async () => {
  app = await startEchoApp();
  mkdirSync(join(work, "config"));
  editConfig({}, "detect");
  installConfig();
  serve = await startServe(configFile);
  proxy = await startWeirProxy(app.port, serve.grpc);
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  if (serve !== undefined) await stopChild(serve.child, serve.exited, 15_000);
  await new Promise((resolve) => app?.server.close(resolve));
  rmSync(work, { recursive: true, force: true });
}, 30_000);

describe("rollout: detect, exclude per route and field, enforce, without a restart", () => {
  it("lets the benign note through after its exclusion and still blocks attacks", async () => {
    if (serve === undefined || proxy === undefined) throw new Error("not started");
    const s = serve;
    const pid = weirPid(s);
    const startedAt = total(await scrape(s.metricsUrl), "process_start_time_seconds");

    // 1. Detect: the note passes and its security event says what would have blocked it.
    const first = await postNote(proxy, NOTE);
    expect(first.status).toBe(200);
    expect(first.received).toBe(JSON.stringify(NOTE));
    const event = await eventually("the note's security event", WAIT_MS, () =>
      securityEvent(s, first.requestId),
    );
    expect(event).toMatchObject({ decision: "detect", route: ROUTE, mode: "detect" });
    expect(Number(event.score), "enforce would block it").toBeGreaterThanOrEqual(
      Number(event.threshold),
    );
    const matches = event.matches as EventMatch[];
    const fields = new Set(matches.map((m) => `${m.target}:${m.field}`));
    expect([...fields], "every match is in the note's comment field").toEqual(["args:comment"]);
    const ids = [...new Set(matches.map((m) => m.signature_id))].sort((a, b) => a - b);
    expect(ids).toEqual(event.signature_ids);

    // 2. Exclude exactly those ids on that field of that route, enforce; check the edited
    //    file, put it in place and send SIGHUP (the watcher sees the rename too, 300 ms later,
    //    and finds nothing left to reload).
    const exclusion = { signatures: ids, fields: [...fields], reason: "notes quote import paths" };
    const edited = editConfig({ exclusions: [exclusion] }, "enforce");
    const problems: string[] = [];
    const io = { out: () => {}, err: (text: string) => void problems.push(text) };
    expect(await runConfigCheck({ file: edited }, io), problems.join("")).toBe(0);
    let mark = await reloadMark(s, "success");
    installConfig();
    process.kill(pid, "SIGHUP");
    const sighup = await nextReload(s, "success", mark, /^SIGHUP$/);
    expect(sighup).toMatchObject({ mode: "enforce", routes: 1 });

    // 3. The note passes (its hits counted as excluded, no event); attacks are refused.
    const excluded = (m: readonly Sample[]) =>
      ids.map((id) =>
        total(m, "weir_signature_matches_total", { signature_id: String(id), outcome: "excluded" }),
      );
    const excludedBefore = excluded(await scrape(s.metricsUrl));
    const again = await postNote(proxy, NOTE);
    expect(again.status).toBe(200);
    expect(again.received).toBe(JSON.stringify(NOTE));
    await eventually("the note's hits counted as excluded", WAIT_MS, async () => {
      const now = excluded(await scrape(s.metricsUrl));
      return now.every((n, i) => n === (excludedBefore[i] ?? 0) + 1) ? true : undefined;
    });
    expect(securityEvent(s, again.requestId)).toBeUndefined();

    const attacks = {
      sqliInTitle: { title: "' OR 1=1 --", comment: "hi" },
      sameSignaturesInAttachment: { ...NOTE, attachment: "../../config/master.key" },
      sqliInComment: { title: "x", comment: "'; DROP TABLE notes; --" },
    };
    const blocked: Record<string, Line> = {};
    for (const [name, attack] of Object.entries(attacks)) {
      const answer = await postNote(proxy, attack);
      expect(answer.status, name).toBe(403);
      blocked[name] = await eventually(`${name}'s block event`, WAIT_MS, () =>
        securityEvent(s, answer.requestId),
      );
      expect(blocked[name], name).toMatchObject({ decision: "block", route: ROUTE, status: 403 });
    }
    // The same request's comment still holds the note: excluded there, they fire on attachment.
    const hits = (blocked.sameSignaturesInAttachment?.matches ?? []) as EventMatch[];
    const inAttachment = hits.filter((m) => m.field === "attachment").map((m) => m.signature_id);
    expect(inAttachment.filter((id) => ids.includes(id)).sort((a, b) => a - b)).toEqual(ids);
    expect(hits.filter((m) => m.field === "comment")).toEqual([]);

    // 4. File watch: a broken edit is refused and the running configuration keeps serving...
    mark = await reloadMark(s, "failure");
    editConfig({ exclusions: [exclusion], responseTreshold: 4 }, "enforce");
    installConfig();
    const failure = await nextReload(s, "failure", mark, /^file change in /);
    expect(String(failure.error)).toContain("responseTreshold");
    let metrics = await scrape(s.metricsUrl);
    expect(total(metrics, "weir_config_last_reload_successful")).toBe(0);
    expect((await postNote(proxy, NOTE)).status).toBe(200);
    expect((await postNote(proxy, attacks.sameSignaturesInAttachment)).status).toBe(403);
    // ...and the corrected edit is applied.
    mark = await reloadMark(s, "success");
    editConfig({ exclusions: [exclusion], responseThreshold: 4 }, "enforce");
    installConfig();
    await nextReload(s, "success", mark, /^file change in /);
    metrics = await scrape(s.metricsUrl);
    expect(total(metrics, "weir_config_last_reload_successful")).toBe(1);
    expect((await postNote(proxy, NOTE)).status).toBe(200);

    // 5. No restart: the same process, started once.
    expect(weirPid(s)).toBe(pid);
    expect(s.child.exitCode).toBeNull();
    expect(total(metrics, "process_start_time_seconds")).toBe(startedAt);
    expect(s.lines.filter((l) => l.msg === "weir serving")).toHaveLength(1);
  }, 45_000);
});
