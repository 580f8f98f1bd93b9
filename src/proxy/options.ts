/**
 * `weir proxy` settings: where to listen, the upstream application, the weir ext_proc server, and
 * the ext_proc filter settings the proxy plays Envoy with (request body STREAMED, response
 * headers only, by default).
 */
import type { JsonObject } from "@bufbuild/protobuf";
import {
  type BodyMode,
  type ExtProcConfigInput,
  getHeader,
  type HeaderList,
} from "../envoy/index.js";
import type { ProxyWarn } from "./failure-log.js";

export interface ProxyOptions {
  /** HOST:PORT to listen on (port 0 picks a free port). */
  listen: string;
  /** The application, e.g. http://127.0.0.1:8080 (plain HTTP/1.1). */
  upstream: string;
  /** The weir ext_proc server, HOST:PORT. */
  weir: string;
  requestBodyMode?: BodyMode;
  responseBodyMode?: BodyMode;
  messageTimeoutMs?: number;
  failureModeAllow?: boolean;
  /** Envoy's per_connection_buffer_limit_bytes (BUFFERED limit, watermarks). Default 1 MiB. */
  bufferLimitBytes?: number;
  /** Any other ext_proc filter setting (switches, trailer modes, mutation rules, ...). */
  extProc?: ExtProcConfigInput;
  /** Where warnings go (ext_proc failures, rate-limited); none when absent. */
  warn?: ProxyWarn;
}

export class ProxyOptionsError extends Error {
  override readonly name = "ProxyOptionsError";
}

export interface HostPort {
  host: string;
  port: number;
}

/** HOST:PORT, [IPv6]:PORT, or :PORT (all interfaces). */
export function parseHostPort(value: string, option: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new ProxyOptionsError(`--${option}: expected HOST:PORT, got ${JSON.stringify(value)}`);
  }
  return { host: match[1] ?? (match[2] || "0.0.0.0"), port };
}

export interface UpstreamTarget {
  host: string;
  port: number;
}

export function parseUpstream(value: string): UpstreamTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProxyOptionsError(`--upstream: not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:") {
    throw new ProxyOptionsError(
      `--upstream: only http:// upstreams are supported, got ${url.protocol}`,
    );
  }
  if (url.pathname !== "/" || url.search !== "") {
    throw new ProxyOptionsError(
      `--upstream: give scheme, host and port only, got ${JSON.stringify(value)}`,
    );
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 80) };
}

/** The ext_proc filter configuration the proxy runs with. */
export function extProcConfig(options: ProxyOptions): ExtProcConfigInput {
  const extra = options.extProc ?? {};
  const config: ExtProcConfigInput = {
    ...extra,
    processingMode: {
      requestBodyMode: options.requestBodyMode ?? "STREAMED",
      responseHeaderMode: "SEND",
      responseBodyMode: options.responseBodyMode ?? "NONE",
      ...extra.processingMode,
    },
    requestAttributes: extra.requestAttributes ?? edgeAttributes,
  };
  if (options.messageTimeoutMs !== undefined) config.messageTimeoutMs = options.messageTimeoutMs;
  if (options.failureModeAllow !== undefined) config.failureModeAllow = options.failureModeAllow;
  if (options.bufferLimitBytes !== undefined) config.bufferLimitBytes = options.bufferLimitBytes;
  return config;
}

/**
 * The attributes an edge Envoy would send when asked for them (deploy/envoy/envoy.yaml asks for
 * `source.address` and `request.path`): the downstream peer, which the proxy has just appended
 * to x-forwarded-for (envoy-headers.ts), and the path. With them weir's security events name
 * the client even with `events.trustedHops: 0`.
 */
export function edgeAttributes(requestHeaders: HeaderList | null): JsonObject {
  if (requestHeaders === null) return {};
  const forwarded = getHeader(requestHeaders, "x-forwarded-for");
  const peer = forwarded?.split(",").pop()?.trim() ?? "";
  const path = getHeader(requestHeaders, ":path")?.split("?")[0] ?? "";
  return {
    ...(peer === "" ? {} : { "source.address": peer }),
    ...(path === "" ? {} : { "request.path": path }),
  };
}
