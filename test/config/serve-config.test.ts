import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_CACHE_DIR } from "../../src/config/common-settings.js";
import { ConfigError } from "../../src/config/errors.js";
import { DEFAULT_EVENTS, DEFAULT_TIMING } from "../../src/config/file/file-values.js";
import { BUILTIN_SIGNATURES_DIR } from "../../src/config/package-paths.js";
import {
  DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
  DEFAULT_RESPONSE_THRESHOLD,
  messageBudgetOf,
  policyOf,
  resolveServeConfig,
  SERVE_SETTINGS,
} from "../../src/config/serve-config.js";
import { DEFAULT_MESSAGE_BUDGET } from "../../src/inspect/budget.js";
import { DEFAULT_LIMITS } from "../../src/inspect/limits.js";
import { DEFAULT_POLICY } from "../../src/policy/decide.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const none = new Map<string, string>();
const flags = (entries: Record<string, string>) => new Map(Object.entries(entries));

interface Invalid {
  flag: string;
  env: string;
  value: string;
  expected: string;
}
const invalid = JSON.parse(
  readFileSync(new URL("../fixtures/config/invalid-settings.json", import.meta.url), "utf8"),
) as { vectors: Invalid[] };

describe("resolveServeConfig", () => {
  it("uses the documented defaults when nothing is set", () => {
    const config = resolveServeConfig(none, {});
    expect(config).toMatchObject({
      configFile: undefined,
      grpcListen: { host: "0.0.0.0", port: 50051 },
      metricsListen: { host: "0.0.0.0", port: 9464 },
      mode: "enforce",
      signaturesDir: BUILTIN_SIGNATURES_DIR,
      signaturesDirs: [BUILTIN_SIGNATURES_DIR],
      paranoia: 1,
      cacheDir: DEFAULT_CACHE_DIR,
      threshold: DEFAULT_POLICY.threshold,
      responseThreshold: DEFAULT_RESPONSE_THRESHOLD,
      statuses: { block: DEFAULT_POLICY.blockStatus, limit: DEFAULT_POLICY.limitStatus },
      limits: DEFAULT_LIMITS,
      timing: DEFAULT_TIMING,
      events: DEFAULT_EVENTS,
      tls: undefined,
      watch: true,
      maxReceiveMessageBytes: DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
      logLevel: "info",
      drainTimeoutSeconds: 25,
    });
    expect(config.policies.routes).toEqual([]);
    expect(config.policies.fallback).toMatchObject({
      name: "default",
      mode: "enforce",
      threshold: DEFAULT_POLICY.threshold,
      responseThreshold: DEFAULT_RESPONSE_THRESHOLD,
      paranoia: 1,
      families: undefined,
      exclusions: [],
    });
  });

  it("finds the built-in signatures in the package, not in the working directory", () => {
    expect(BUILTIN_SIGNATURES_DIR).toBe(join(ROOT, "signatures/"));
  });

  it("reads every setting from its environment variable", () => {
    const config = resolveServeConfig(none, {
      WEIR_GRPC_LISTEN: "[::1]:6000",
      WEIR_METRICS_LISTEN: "127.0.0.1:0",
      WEIR_MODE: "detect",
      WEIR_SIGNATURES: "test",
      WEIR_PARANOIA: "3",
      WEIR_CACHE_DIR: "off",
      WEIR_THRESHOLD: "10",
      WEIR_MAX_RECEIVE_MESSAGE_BYTES: "1048576",
      WEIR_LOG_LEVEL: "debug",
      WEIR_DRAIN_TIMEOUT: "0.5",
      WEIR_CONFIG: "test/fixtures/config/valid/minimal.yaml",
      WEIR_TLS_CERT: "package.json",
      WEIR_TLS_KEY: "tsconfig.json",
      WEIR_TLS_CLIENT_CA: "biome.json",
    });
    const abs = (path: string) => join(process.cwd(), path);
    expect(config).toMatchObject({
      configFile: abs("test/fixtures/config/valid/minimal.yaml"),
      tls: {
        files: {
          cert: abs("package.json"),
          key: abs("tsconfig.json"),
          clientCa: abs("biome.json"),
        },
        requireClientCert: true,
      },
      grpcListen: { host: "::1", port: 6000 },
      metricsListen: { host: "127.0.0.1", port: 0 },
      mode: "detect",
      signaturesDir: join(process.cwd(), "test"),
      paranoia: 3,
      cacheDir: undefined,
      threshold: 10,
      maxReceiveMessageBytes: 1048576,
      logLevel: "debug",
      drainTimeoutSeconds: 0.5,
    });
  });

  it("lets a flag win over its environment variable", () => {
    const config = resolveServeConfig(flags({ mode: "detect", paranoia: "2" }), {
      WEIR_MODE: "enforce",
      WEIR_PARANOIA: "4",
      WEIR_THRESHOLD: "7",
    });
    expect([config.mode, config.paranoia, config.threshold]).toEqual(["detect", 2, 7]);
  });

  it("refuses a TLS certificate without its key, and a client CA without a certificate", () => {
    const cert = catchError(() => resolveServeConfig(flags({ "tls-cert": "package.json" }), {}));
    expect(cert.message).toBe(
      "TLS needs --tls-key (tls.key): set both the certificate and its key",
    );
    const ca = catchError(() => resolveServeConfig(none, { WEIR_TLS_CLIENT_CA: "package.json" }));
    expect(ca.message).toBe(
      "a client CA needs --tls-cert (tls.cert): set both the certificate and its key",
    );
  });

  it("serves plain-text HTTP/2 unless a certificate is given, and mTLS with a client CA", () => {
    expect(resolveServeConfig(none, {}).tls).toBeUndefined();
    const tls = resolveServeConfig(
      flags({ "tls-cert": "package.json", "tls-key": "biome.json" }),
      {},
    );
    expect(tls.tls?.requireClientCert).toBe(false);
  });

  it("treats an empty environment variable as unset", () => {
    expect(resolveServeConfig(none, { WEIR_MODE: "", WEIR_GRPC_LISTEN: "" }).mode).toBe("enforce");
  });

  for (const v of invalid.vectors) {
    it(`refuses --${v.flag} '${v.value}' naming the flag, the value and what is expected`, () => {
      const error = catchError(() => resolveServeConfig(flags({ [v.flag]: v.value }), {}));
      expect(error.code).toBe("invalid_value");
      expect(error.message).toContain(`--${v.flag} '${v.value}'`);
      expect(error.message).toContain(v.expected);
    });
    it(`refuses ${v.env}='${v.value}' naming the variable`, () => {
      const error = catchError(() => resolveServeConfig(none, { [v.env]: v.value }));
      expect(error.message).toContain(`${v.env} '${v.value}'`);
      expect(error.message).toContain(v.expected);
    });
  }

  it("covers every serve setting in the invalid-value vectors", () => {
    const covered = new Set(invalid.vectors.map((v) => v.flag));
    expect(SERVE_SETTINGS.map((s) => s.flag).filter((f) => !covered.has(f))).toEqual([]);
  });
});

describe("messageBudgetOf", () => {
  it("carries the file's timing into the inspector's budget", () => {
    expect(
      messageBudgetOf({
        messageBudgetMs: 90,
        onBudgetExceeded: "open",
        overrideMessageTimeoutMs: 400,
      }),
    ).toEqual({
      ...DEFAULT_MESSAGE_BUDGET,
      budgetMs: 90,
      onExceeded: "open",
      overrideMessageTimeoutMs: 400,
    });
  });

  it("keeps the inspector's own defaults when the file is silent", () => {
    expect(messageBudgetOf(DEFAULT_TIMING)).toEqual(DEFAULT_MESSAGE_BUDGET);
  });
});

describe("policyOf", () => {
  it("carries mode and threshold and keeps the default statuses", () => {
    expect(policyOf({ mode: "detect", threshold: 9 })).toEqual({
      ...DEFAULT_POLICY,
      mode: "detect",
      threshold: 9,
    });
  });
});

function catchError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, nothing was thrown");
}
