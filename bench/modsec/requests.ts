/**
 * The requests both engines inspect, in modsec-peer's JSON-lines format: a sample of the CRS
 * regression corpus (converted by the peer's own crs2jsonl.py, then every k-th request kept so
 * the sample spans every rule file), and benign POSTs with a 1 KB and a 64 KB JSON body made by
 * the bench's body generator. For weir each request becomes the header list Envoy would send
 * (pseudo-headers first, names lowercased) and its body.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HeaderEntry } from "../../src/inspect/types.js";
import { benignBody, CONTENT_TYPES } from "../harness/benign-bodies.js";
import { CACHE, pathOf } from "../harness/paths.js";

export interface PeerRequest {
  readonly id: string;
  readonly method?: string;
  readonly uri?: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body_b64?: string;
}

export interface WeirRequest {
  readonly headers: readonly HeaderEntry[];
  readonly body: Uint8Array;
}

const encoder = new TextEncoder();
const DIR = new URL("modsec/", CACHE);

/** The CRS regression corpus as peer requests, every `every`-th kept (at most `count`). */
export function corpusSample(peerDir: string, count: number): PeerRequest[] {
  mkdirSync(pathOf(DIR), { recursive: true });
  const out = pathOf(new URL("crs.jsonl", DIR));
  execFileSync("python3", [join(peerDir, "crs2jsonl.py"), join(peerDir, "crs-tests"), "-o", out], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const all = readFileSync(out, "utf8")
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const { expect: _expect, ...request } = JSON.parse(line) as PeerRequest & {
        expect?: unknown;
      };
      return request;
    });
  const every = Math.max(1, Math.floor(all.length / count));
  return all.filter((_, i) => i % every === 0).slice(0, count);
}

/** A benign POST with a JSON body of exactly `bytes` bytes. */
export function jsonPost(id: string, bytes: number): PeerRequest {
  const body = benignBody("json", bytes, 7);
  return {
    id,
    method: "POST",
    uri: "/api/v1/orders?source=web",
    headers: [
      ["Host", "shop.example.test"],
      ["User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
      ["Accept", "application/json"],
      ["Content-Type", CONTENT_TYPES.json],
      ["Content-Length", String(body.length)],
    ],
    body_b64: body.toString("base64"),
  };
}

export function writeJsonLines(name: string, requests: readonly PeerRequest[]): string {
  mkdirSync(pathOf(DIR), { recursive: true });
  const path = pathOf(new URL(name, DIR));
  writeFileSync(path, `${requests.map((r) => JSON.stringify(r)).join("\n")}\n`);
  return path;
}

/** The request as Envoy hands it to weir: pseudo-headers, lowercased names, the body bytes. */
export function forWeir(request: PeerRequest): WeirRequest {
  const host = request.headers.find(([name]) => name.toLowerCase() === "host")?.[1] ?? "";
  const entries: [string, string][] = [
    [":method", request.method ?? "GET"],
    [":scheme", "http"],
    [":authority", host],
    [":path", request.uri ?? "/"],
    ...request.headers
      .filter(([name]) => name.toLowerCase() !== "host")
      .map(([name, value]): [string, string] => [name.toLowerCase(), value]),
  ];
  return {
    headers: entries.map(([key, value]) => ({ key, value: encoder.encode(value) })),
    body: Buffer.from(request.body_b64 ?? "", "base64"),
  };
}
