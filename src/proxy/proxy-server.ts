/**
 * `weir proxy`: a small HTTP/1.1 reverse proxy that plays Envoy's part, calling weir over
 * ext_proc exactly as Envoy's filter would (request body STREAMED by default), so weir can sit
 * in front of an application without Envoy, and tests can drive weir with real HTTP clients.
 */
import { Agent, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ExtProcClient } from "../envoy/index.js";
import { LocalReplyLog } from "./failure-log.js";
import { extProcConfig, type ProxyOptions, parseHostPort, parseUpstream } from "./options.js";
import { proxyExchange } from "./proxy-exchange.js";

export interface RunningProxy {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const listen = parseHostPort(options.listen, "listen");
  const target = parseUpstream(options.upstream);
  parseHostPort(options.weir, "weir");
  const client = new ExtProcClient(options.weir, extProcConfig(options));
  const agent = new Agent({ keepAlive: true });
  const context = {
    client,
    target,
    agent,
    ...(options.warn === undefined ? {} : { localReplies: new LocalReplyLog(options.warn) }),
  };
  const server = createServer((request, response) => proxyExchange(context, request, response));
  // Envoy answers `Expect: 100-continue` itself at once (proxy_100_continue off).
  server.on("checkContinue", (request, response) => {
    response.writeContinue();
    proxyExchange(context, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
        client.close();
      }),
  };
}
