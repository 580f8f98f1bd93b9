/**
 * The router's side of `weir proxy`: one node:http request to the upstream, opened when ext_proc
 * releases the request headers and fed only with the body bytes ext_proc releases.
 */
import {
  type Agent,
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
} from "node:http";
import { getHeader, type HeaderList } from "../envoy/index.js";
import { toNodeHeaders, toNodeTrailers } from "./envoy-headers.js";
import type { UpstreamTarget } from "./options.js";

export interface UpstreamEvents {
  response(response: IncomingMessage): void;
  /** The request failed before a response arrived (connect refused, reset, ...). */
  failed(error: Error): void;
  /** The request's write buffer drained after write() returned false. */
  drained(): void;
}

export class UpstreamRequest {
  private request: ClientRequest | null = null;
  private finished = false;

  constructor(
    private readonly target: UpstreamTarget,
    private readonly agent: Agent,
    private readonly events: UpstreamEvents,
  ) {}

  get started(): boolean {
    return this.request !== null;
  }

  start(headers: HeaderList, endOfStream: boolean): void {
    const authority = getHeader(headers, ":authority") ?? `${this.target.host}:${this.target.port}`;
    const request = httpRequest({
      host: this.target.host,
      port: this.target.port,
      agent: this.agent,
      method: getHeader(headers, ":method") ?? "GET",
      path: getHeader(headers, ":path") ?? "/",
      setHost: false,
      headers: ["host", authority, ...toNodeHeaders(headers)],
    });
    this.request = request;
    request.on("response", (response) => this.events.response(response));
    request.on("error", (error) => {
      if (!this.finished) this.events.failed(error);
    });
    request.on("drain", () => this.events.drained());
    if (endOfStream) request.end();
  }

  /** Returns false when the caller should stop reading until `drained`. */
  write(chunk: Uint8Array, endOfStream: boolean): boolean {
    const request = this.request;
    if (request === null || request.writableEnded) return true;
    const more = chunk.length > 0 ? request.write(chunk) : true;
    if (endOfStream) request.end();
    return more;
  }

  trailers(trailers: HeaderList): void {
    const request = this.request;
    if (request === null || request.writableEnded) return;
    request.addTrailers(toNodeTrailers(trailers));
    request.end();
  }

  /** The exchange ended without the upstream (local reply, client gone): reset the request. */
  abort(): void {
    this.finished = true;
    this.request?.destroy();
  }

  /** The response is complete: later socket errors are not failures. */
  done(): void {
    this.finished = true;
  }
}
