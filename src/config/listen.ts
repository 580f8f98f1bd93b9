/**
 * HOST:PORT listen addresses, as given to --grpc-listen, --metrics-listen, --listen and
 * --weir: `0.0.0.0:50051`, `localhost:9464`, `[::1]:50051`, `[::]:8080`. IPv6 hosts must be
 * bracketed so the port is unambiguous. Port 0 asks the system for a free port.
 */

export interface Listen {
  /** Host name or address, without brackets (`::1`, not `[::1]`). */
  readonly host: string;
  readonly port: number;
}

/** Why a listen address was refused, for ConfigError to quote. */
export class ListenSyntaxError extends Error {
  override readonly name = "ListenSyntaxError";
}

const HOST_NAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$/;

export function parseListen(text: string): Listen {
  let host: string;
  let portText: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) throw new ListenSyntaxError("an IPv6 host opened with '[' has no closing ']'");
    host = text.slice(1, close);
    if (text[close + 1] !== ":") {
      throw new ListenSyntaxError("expected ':PORT' after the bracketed IPv6 host");
    }
    portText = text.slice(close + 2);
    if (!IPV6.test(host) || !host.includes(":")) {
      throw new ListenSyntaxError(`'${host}' is not an IPv6 address`);
    }
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) throw new ListenSyntaxError("missing ':PORT'");
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(":")) {
      throw new ListenSyntaxError("an IPv6 host must be in brackets, as in [::1]:50051");
    }
    if (host === "") throw new ListenSyntaxError("missing HOST before ':'");
    if (!HOST_NAME.test(host))
      throw new ListenSyntaxError(`'${host}' is not a host name or address`);
  }
  return { host, port: parsePort(portText) };
}

function parsePort(text: string): number {
  if (!/^[0-9]{1,5}$/.test(text)) {
    throw new ListenSyntaxError(
      text === "" ? "missing PORT after ':'" : `port '${text}' is not a number`,
    );
  }
  const port = Number(text);
  if (port > 65535) throw new ListenSyntaxError(`port ${port} is above 65535`);
  return port;
}

/** Back to HOST:PORT text, bracketing IPv6 hosts (for logs and grpc-js bind addresses). */
export function formatListen(listen: Listen): string {
  return listen.host.includes(":")
    ? `[${listen.host}]:${listen.port}`
    : `${listen.host}:${listen.port}`;
}
