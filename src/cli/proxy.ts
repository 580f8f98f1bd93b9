/**
 * `weir proxy`: an HTTP reverse proxy that consults a running `weir serve` over ext_proc the
 * way Envoy does, for trying weir without Envoy and for end-to-end tests with real clients.
 * Production traffic goes through Envoy (deploy/envoy/envoy.yaml).
 */
import { formatListen } from "../config/listen.js";
import { PROXY_SETTINGS, type ProxyConfig, resolveProxyConfig } from "../config/proxy-config.js";
import type { Environment } from "../config/setting.js";
import { createLogger, type LineSink } from "../log/logger.js";
import { parseArgs } from "./args.js";
import type { CommandSpec, Parsed } from "./command-spec.js";
import { startWeirProxy } from "./engine-wiring.js";
import type { SignalSource } from "./serve.js";

export const PROXY_COMMAND: CommandSpec = {
  name: "proxy",
  summary: "Put weir in front of an application without Envoy.",
  description: [
    "Accepts HTTP/1.1 requests on --listen, streams each exchange to the weir server at --weir " +
      "exactly as Envoy's ext_proc filter would (request headers, streamed body chunks, " +
      "response headers), and forwards what weir allows to --upstream. Start `weir serve` " +
      'first and wait until it is ready: until then each request gets a 500 "weir ext_proc ' +
      'unavailable" and a rate-limited warning is logged. Meant for development and tests; production traffic goes through Envoy.',
  ],
  settings: PROXY_SETTINGS,
  switches: [],
  positionals: [],
  exitStatus: ["0  stopped by SIGTERM or SIGINT", "1  could not start", "2  bad flag or setting"],
  examples: [
    "weir proxy --upstream http://127.0.0.1:3000",
    "weir proxy --listen 0.0.0.0:8080 --upstream http://app:3000 --weir weir:50051",
  ],
};

export function parseProxyArgs(argv: readonly string[], env: Environment): Parsed<ProxyConfig> {
  const args = parseArgs(PROXY_COMMAND, argv);
  if (args.help) return { help: true };
  return { help: false, config: resolveProxyConfig(args.flags, env) };
}

export async function runProxy(
  config: ProxyConfig,
  deps: { readonly signals: SignalSource; readonly sink?: LineSink },
): Promise<number> {
  const log = createLogger({ level: config.logLevel, ...(deps.sink ? { sink: deps.sink } : {}) });
  const proxy = await startWeirProxy({
    listen: config.listen,
    upstream: config.upstream,
    weir: config.weir,
    log,
  });
  log.info("weir proxy listening", {
    listen: formatListen({ host: config.listen.host, port: proxy.port }),
    upstream: config.upstream.href,
    weir: formatListen(config.weir),
  });
  const signal = await new Promise<string>((resolve) => {
    deps.signals.once("SIGTERM", () => resolve("SIGTERM"));
    deps.signals.once("SIGINT", () => resolve("SIGINT"));
  });
  log.info("weir proxy stopping", { signal });
  await proxy.close();
  return 0;
}
