/**
 * One HTTP request through `weir proxy`: the client's request goes through the ext_proc
 * exchange to the upstream, the upstream's response back through it to the client, with
 * Envoy's local replies, resets, watermarks and cleanup when either side goes away.
 */
import type { Agent, IncomingMessage, ServerResponse } from "node:http";
import type { ExtProcClient, HeaderList } from "../envoy/index.js";
import { feedMessage, hasNoBody } from "./body-feed.js";
import { ClientResponse } from "./client-response.js";
import { requestHeaderList, responseHeaderList } from "./envoy-headers.js";
import { explainLocalReply, type LocalReplyLog } from "./failure-log.js";
import type { UpstreamTarget } from "./options.js";
import { UpstreamRequest } from "./upstream-request.js";

export interface ProxyContext {
  client: ExtProcClient;
  target: UpstreamTarget;
  agent: Agent;
  localReplies?: LocalReplyLog;
}

export function proxyExchange(
  context: ProxyContext,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const headRequest = request.method === "HEAD";
  let upstreamResponse: IncomingMessage | null = null;
  let upstreamFailed = false;
  const readPauses = new Set<string>();
  const pauseReading = (reason: string, paused: boolean) => {
    if (paused) readPauses.add(reason);
    else readPauses.delete(reason);
    if (readPauses.size > 0) request.pause();
    else request.resume();
  };
  const client = new ClientResponse(response, (full) => {
    if (full) upstreamResponse?.pause();
    else upstreamResponse?.resume();
  });

  const upstream = new UpstreamRequest(context.target, context.agent, {
    response: (incoming) => {
      upstreamResponse = incoming;
      const status = incoming.statusCode ?? 502;
      const bodiless = headRequest || status === 204 || status === 304;
      feedMessage(
        incoming,
        responseHeaderList(incoming),
        hasNoBody(incoming, bodiless),
        {
          headers: (h, eos) => exchange.encodeHeaders(h, eos),
          data: (c, eos) => exchange.encodeData(c, eos),
          trailers: (t) => exchange.encodeTrailers(t),
        },
        () => upstream.done(),
      );
      incoming.on("close", () => {
        if (!incoming.complete) failUpstream("upstream reset the response");
      });
    },
    failed: (error) => failUpstream(error.message),
    drained: () => pauseReading("upstream", false),
  });

  const exchange = context.client.exchange({
    upstream: {
      headers: (headers, endOfStream) => upstream.start(headers, endOfStream),
      data: (chunk, endOfStream) => {
        if (!upstreamFailed && !upstream.write(chunk, endOfStream)) pauseReading("upstream", true);
      },
      trailers: (trailers) => upstream.trailers(trailers),
      watermark: (above) => pauseReading("ext_proc", above),
    },
    downstream: {
      headers: (headers, endOfStream) => client.headers(headers, endOfStream),
      data: (chunk, endOfStream) => client.data(chunk, endOfStream),
      trailers: (trailers) => client.trailers(trailers),
      watermark: (above) => {
        if (above) upstreamResponse?.pause();
        else upstreamResponse?.resume();
      },
    },
    localReply: (reply) => {
      upstream.abort();
      context.localReplies?.report(reply);
      client.localReply(explainLocalReply(reply, headRequest));
      // Discard whatever the client still sends.
      readPauses.clear();
      request.resume();
    },
    reset: () => {
      upstream.abort();
      client.reset();
    },
  });

  /**
   * The router's own reply when the upstream fails (503 in Envoy; 502 here): it goes through
   * the response path like any response, as local replies do again since Envoy 1.37.
   */
  function failUpstream(reason: string): void {
    if (upstreamFailed) return;
    upstreamFailed = true;
    upstream.abort();
    if (response.headersSent) {
      client.reset();
      return;
    }
    const body = Buffer.from(
      `upstream connect error or disconnect/reset before headers: ${reason}\n`,
    );
    const headers: HeaderList = [
      [":status", "502"],
      ["content-type", "text/plain"],
      ["content-length", String(body.length)],
    ];
    exchange.encodeHeaders(headers, false);
    exchange.encodeData(body, true);
    readPauses.clear();
    request.resume();
  }

  response.on("close", () => {
    if (!response.writableFinished) upstream.abort();
    exchange.destroy();
  });

  feedMessage(request, requestHeaderList(request), hasNoBody(request), {
    headers: (h, eos) => exchange.decodeHeaders(h, eos),
    data: (c, eos) => exchange.decodeData(c, eos),
    trailers: (t) => exchange.decodeTrailers(t),
  });
}
