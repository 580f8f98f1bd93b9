/**
 * Raises the HTTP/2 receive windows of a grpc-js server. Node's default is 65,535 bytes for each
 * stream and for the connection; with Envoy pipelining 64 KiB body chunks, a 1 MiB window doubled
 * throughput (DESIGN.md, performance facts).
 *
 * grpc-js 1.14 has no server option for this: `grpc-node.flow_control_window` is read only by
 * its client transport (transport.js). So weir reaches two private members of its own Server
 * instance, checked at run time and never of any other server in the process:
 * - `commonServerOptions.settings.initialWindowSize`, the options grpc-js hands to
 *   http2.createServer when a port is bound (the per-stream window, SETTINGS_INITIAL_WINDOW_SIZE);
 * - `http2Servers`, to call session.setLocalWindowSize on each new connection (the connection
 *   window, which SETTINGS cannot change).
 * If a grpc-js upgrade changes these shapes, the functions return false and the caller logs it;
 * test/server checks the advertised window so such an upgrade fails a test.
 */
import type * as http2 from "node:http2";
import type { Server } from "@grpc/grpc-js";

/** HTTP/2 allows windows up to 2^31 - 1 bytes (RFC 9113 §6.9.1). */
export const MAX_HTTP2_WINDOW = 2 ** 31 - 1;

interface ServerInternals {
  commonServerOptions?: { settings?: http2.Settings };
  http2Servers?: Map<http2.Http2Server, unknown>;
}

function internals(server: Server): ServerInternals {
  return server as unknown as ServerInternals;
}

export function checkWindow(bytes: number, what: string): number {
  if (!Number.isInteger(bytes) || bytes < 65_535 || bytes > MAX_HTTP2_WINDOW) {
    throw new RangeError(
      `${what} must be an integer from 65535 to ${MAX_HTTP2_WINDOW}, got ${bytes}`,
    );
  }
  return bytes;
}

/** Before binding: the per-stream window every connection will advertise. */
export function setStreamWindow(server: Server, bytes: number): boolean {
  const options = internals(server).commonServerOptions;
  if (typeof options !== "object" || options === null) return false;
  options.settings = { ...(options.settings ?? {}), initialWindowSize: bytes };
  return true;
}

/** After binding: every new connection raises its connection-level window. */
export function setConnectionWindow(server: Server, bytes: number): boolean {
  const servers = internals(server).http2Servers;
  if (!(servers instanceof Map) || servers.size === 0) return false;
  for (const http2Server of servers.keys()) {
    http2Server.on("session", (session: http2.ServerHttp2Session) => {
      try {
        session.setLocalWindowSize(bytes);
      } catch {
        // The session closed before its first tick; nothing to tune.
      }
    });
  }
  return true;
}
