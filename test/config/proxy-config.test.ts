import { describe, expect, it } from "vitest";
import { resolveProxyConfig } from "../../src/config/proxy-config.js";

const flags = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("resolveProxyConfig", () => {
  it("needs an upstream and says how to give it", () => {
    expect(() => resolveProxyConfig(new Map(), {})).toThrow(
      "--upstream URL is required (or set WEIR_PROXY_UPSTREAM)",
    );
  });

  it("defaults to listening on loopback and consulting weir on its default port", () => {
    const config = resolveProxyConfig(flags({ upstream: "http://127.0.0.1:3000" }), {});
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(config.weir).toEqual({ host: "127.0.0.1", port: 50051 });
    expect(config.upstream.href).toBe("http://127.0.0.1:3000/");
  });

  it("reads the environment and lets flags win", () => {
    const config = resolveProxyConfig(flags({ listen: "127.0.0.1:9000" }), {
      WEIR_PROXY_LISTEN: "0.0.0.0:1",
      WEIR_PROXY_UPSTREAM: "http://app.internal:8443",
      WEIR_PROXY_WEIR: "[::1]:50051",
    });
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 9000 });
    expect(config.upstream.origin).toBe("http://app.internal:8443");
    expect(config.weir).toEqual({ host: "::1", port: 50051 });
  });

  it.each([
    ["127.0.0.1:3000", "not a URL"],
    ["not a url", "not a URL"],
    ["https://app.internal", "scheme https: is not supported"],
    ["ftp://files.internal", "scheme ftp: is not supported"],
    ["http://app:3000/base", "it has a path or query"],
    ["http://app:3000/?x=1", "it has a path or query"],
    ["http://user:pw@app:3000", "it has credentials"],
  ])("refuses --upstream %s (%s)", (value, reason) => {
    expect(() => resolveProxyConfig(flags({ upstream: value }), {})).toThrow(
      `--upstream '${value}' is not valid (${reason}): expected an http:// URL with host and port only`,
    );
  });
});
