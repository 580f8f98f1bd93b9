/**
 * Writes what ext_proc releases on the response path to the client (node:http ServerResponse),
 * and Envoy's local replies and resets.
 */
import type { ServerResponse } from "node:http";
import { getHeader, type HeaderList, type LocalReply } from "../envoy/index.js";
import { toNodeHeaders, toNodeTrailers } from "./envoy-headers.js";

export class ClientResponse {
  constructor(
    private readonly response: ServerResponse,
    /** Called when a write buffer filled (true) or drained (false). */
    private readonly backpressure: (full: boolean) => void,
  ) {
    response.on("drain", () => this.backpressure(false));
  }

  get headersSent(): boolean {
    return this.response.headersSent;
  }

  headers(headers: HeaderList, endOfStream: boolean): void {
    const status = Number(getHeader(headers, ":status") ?? 502);
    try {
      this.response.writeHead(status, toNodeHeaders(headers));
    } catch {
      // A header node refuses to write (control characters): answer like a broken upstream.
      this.response.writeHead(502, ["content-type", "text/plain"]);
      this.response.end("invalid response header\n");
      return;
    }
    if (endOfStream) this.response.end();
  }

  data(chunk: Uint8Array, endOfStream: boolean): void {
    if (this.response.writableEnded) return;
    if (chunk.length > 0 && !this.response.write(chunk)) this.backpressure(true);
    if (endOfStream) this.response.end();
  }

  trailers(trailers: HeaderList): void {
    if (this.response.writableEnded) return;
    this.response.addTrailers(toNodeTrailers(trailers));
    this.response.end();
  }

  localReply(reply: LocalReply): void {
    if (this.response.headersSent) {
      this.reset();
      return;
    }
    this.response.writeHead(reply.status, toNodeHeaders(reply.headers));
    this.response.end(reply.body);
  }

  /** The client stream cannot be answered any more: close the connection (HTTP/1 reset). */
  reset(): void {
    this.response.destroy();
  }
}
