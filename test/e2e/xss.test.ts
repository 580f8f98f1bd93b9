/**
 * Reflected XSS through `weir proxy`: real payloads (test/fixtures/e2e/xss.json) sent to the
 * deliberately vulnerable app must be refused with 403 in enforce mode before they reach it,
 * must reach it tagged with x-weir-* headers in detect mode, and benign look-alikes must pass.
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { startVulnerableApp, type VulnerableApp } from "./vulnerable-app.js";
import { type InProcessWeir, startInProcessWeir } from "./weir-in-process.js";

interface XssCase {
  readonly name: string;
  readonly via: "query" | "form" | "json";
  readonly param?: string;
  readonly value?: string;
  readonly raw?: string;
}

interface Fixture {
  readonly attacks: readonly XssCase[];
  readonly benign: readonly XssCase[];
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/e2e/xss.json", import.meta.url), "utf8"),
) as Fixture;
const xssIds = new Set(
  (
    parseYaml(readFileSync(new URL("../../signatures/xss.yaml", import.meta.url), "utf8")) as {
      signatures: { id: number }[];
    }
  ).signatures.map((s) => String(s.id)),
);
const CASE_HEADER = "x-e2e-case";

interface WireRequest {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly contentType?: string;
  readonly body: string;
}

/** The request a case describes: its value encoded for the wire, or its raw form as is. */
function wireOf(c: XssCase): WireRequest {
  if ((c.value === undefined) === (c.raw === undefined)) {
    throw new Error(`xss.json case "${c.name}" must give exactly one of value and raw`);
  }
  if (c.via === "query") {
    const query = c.raw ?? `${c.param ?? "q"}=${encodeURIComponent(c.value ?? "")}`;
    return { method: "GET", path: `/search?${query}`, body: "" };
  }
  if (c.via === "form") {
    const body = c.raw ?? new URLSearchParams({ [c.param ?? "comment"]: c.value ?? "" }).toString();
    return {
      method: "POST",
      path: "/comment",
      contentType: "application/x-www-form-urlencoded",
      body,
    };
  }
  const body = c.raw ?? JSON.stringify({ [c.param ?? "comment"]: c.value ?? "" });
  return { method: "POST", path: "/comment", contentType: "application/json", body };
}

/** What the application decodes the case to: the text a reflected payload puts on the page. */
function decodedValue(c: XssCase): string {
  const wire = wireOf(c);
  const name = c.param ?? (c.via === "query" ? "q" : "comment");
  if (c.via === "json") return String((JSON.parse(wire.body) as Record<string, unknown>)[name]);
  const fields = new URLSearchParams(
    c.via === "query" ? (wire.path.split("?")[1] ?? "") : wire.body,
  );
  return fields.get(name) ?? "";
}

async function send(
  baseUrl: string,
  c: XssCase,
  marker: string,
): Promise<{ status: number; body: string }> {
  const wire = wireOf(c);
  const url = new URL(baseUrl);
  const headers: Record<string, string> = {
    [CASE_HEADER]: marker,
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  };
  if (wire.contentType !== undefined) headers["content-type"] = wire.contentType;
  if (wire.method === "POST") headers["content-length"] = String(Buffer.byteLength(wire.body));
  return await new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: wire.method, path: wire.path, headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`${wire.method} ${wire.path} timed out`)));
    req.on("error", reject);
    req.end(wire.body);
  });
}

let app: VulnerableApp;
let weir: InProcessWeir;

function receivedWith(marker: string) {
  return app.received.filter((r) => r.headers[CASE_HEADER] === marker);
}

beforeAll(async () => {
  app = await startVulnerableApp();
  weir = await startInProcessWeir(app.port);
}, 180_000);

afterAll(async () => {
  await weir?.stop();
  await app?.close();
}, 30_000);

describe("reflected XSS through weir proxy", () => {
  it("has at least 8 attacks and 8 benign look-alikes, every one well-formed", () => {
    expect(fixture.attacks.length).toBeGreaterThanOrEqual(8);
    expect(fixture.benign.length).toBeGreaterThanOrEqual(8);
    for (const c of [...fixture.attacks, ...fixture.benign]) expect(() => wireOf(c)).not.toThrow();
    expect(xssIds.size).toBeGreaterThan(0);
  });

  describe.each(fixture.attacks.map((c, i) => ({ ...c, i })))("attack: $name ($via)", (c) => {
    it("enforce: refused with 403, never reaching the app, payload not echoed", async () => {
      const marker = `enforce-attack-${c.i}`;
      const { status, body } = await send(weir.proxyUrl.enforce, c, marker);
      expect(status).toBe(403);
      expect(body).not.toContain(decodedValue(c));
      const reached = receivedWith(marker);
      if (c.via === "query") {
        // Refused at the request headers: the app never saw the request line.
        expect(reached).toEqual([]);
      } else {
        // Streamed body: the app may have seen the headers, never the whole payload.
        expect(reached.filter((r) => r.complete)).toEqual([]);
        for (const r of reached) expect(r.body).not.toBe(wireOf(c).body);
      }
    });

    it("detect: reaches the app as sent, and a query payload is tagged for the upstream", async () => {
      const marker = `detect-attack-${c.i}`;
      const { status, body } = await send(weir.proxyUrl.detect, c, marker);
      expect(status).toBe(200);
      expect(body).toContain(decodedValue(c));
      const [seen, ...more] = receivedWith(marker);
      expect(more).toEqual([]);
      expect(seen?.complete).toBe(true);
      if (c.via !== "query") return;
      expect(Number(seen?.headers["x-weir-score"])).toBeGreaterThan(0);
      const ids = String(seen?.headers["x-weir-signatures"] ?? "").split(",");
      expect(ids.filter((id) => xssIds.has(id))).not.toEqual([]);
    });
  });

  describe.each(fixture.benign.map((c, i) => ({ ...c, i })))("benign: $name ($via)", (c) => {
    it("enforce: passes with 200, untouched and untagged", async () => {
      const marker = `enforce-benign-${c.i}`;
      const { status, body } = await send(weir.proxyUrl.enforce, c, marker);
      expect(status).toBe(200);
      expect(body).toContain(decodedValue(c));
      const [seen] = receivedWith(marker);
      expect(seen?.headers["x-weir-score"]).toBeUndefined();
      expect(seen?.headers["x-weir-signatures"]).toBeUndefined();
    });
  });
});
