/**
 * The configuration of `weir proxy`, the small reverse proxy that plays Envoy's part for a
 * developer without Envoy: where it listens, the application behind it, and the weir server it
 * consults over ext_proc.
 */

import type { LogLevel } from "../log/logger.js";
import { LOG_LEVEL } from "./common-settings.js";
import type { Listen } from "./listen.js";
import {
  type Environment,
  type FlagValues,
  httpOrigin,
  listenValue,
  resolveSetting,
  type Setting,
} from "./setting.js";

export interface ProxyConfig {
  readonly listen: Listen;
  readonly upstream: URL;
  /** The weir ext_proc server. */
  readonly weir: Listen;
  readonly logLevel: LogLevel;
}

export const PROXY_LISTEN: Setting<Listen> = {
  flag: "listen",
  env: "WEIR_PROXY_LISTEN",
  valueName: "HOST:PORT",
  help: "address the proxy accepts HTTP/1.1 requests on",
  defaultText: "127.0.0.1:8080",
  default: () => ({ host: "127.0.0.1", port: 8080 }),
  parse: listenValue,
};

export const PROXY_UPSTREAM: Setting<URL> = {
  flag: "upstream",
  env: "WEIR_PROXY_UPSTREAM",
  valueName: "URL",
  help: "the application requests are forwarded to (plain HTTP/1.1), e.g. http://127.0.0.1:3000",
  parse: httpOrigin,
};

export const PROXY_WEIR: Setting<Listen> = {
  flag: "weir",
  env: "WEIR_PROXY_WEIR",
  valueName: "HOST:PORT",
  help: "the weir ext_proc server to consult: the --grpc-listen address of weir serve",
  defaultText: "127.0.0.1:50051",
  default: () => ({ host: "127.0.0.1", port: 50051 }),
  parse: listenValue,
};

export const PROXY_SETTINGS = [PROXY_LISTEN, PROXY_UPSTREAM, PROXY_WEIR, LOG_LEVEL] as const;

export function resolveProxyConfig(flags: FlagValues, env: Environment): ProxyConfig {
  return {
    listen: resolveSetting(PROXY_LISTEN, flags, env),
    upstream: resolveSetting(PROXY_UPSTREAM, flags, env),
    weir: resolveSetting(PROXY_WEIR, flags, env),
    logLevel: resolveSetting(LOG_LEVEL, flags, env),
  };
}
