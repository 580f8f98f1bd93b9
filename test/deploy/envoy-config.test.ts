// No Envoy runs in this test environment (no Docker, no Debian package), so deploy/envoy/*.yaml
// are checked as data: they parse, every field exists in Envoy's API at its place
// (mesh-api-fields.ts, tables from Envoy's protos), the processing_mode is a valid
// ProcessingMode (through the generated protobuf schema) and the body mode each file claims,
// the timeouts agree with weir's time budget, and the facts weir depends on hold.
import { readdirSync, readFileSync } from "node:fs";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GRPC_LISTEN } from "../../src/config/serve-config.js";
import { METADATA_NAMESPACE } from "../../src/exchange/dynamic-metadata.js";
import {
  ProcessingMode_BodySendMode as BodyMode,
  ProcessingMode_HeaderSendMode as HeaderMode,
  ProcessingModeSchema,
} from "../../src/gen/envoy/extensions/filters/http/ext_proc/v3/processing_mode_pb.js";
import { DEFAULT_MESSAGE_BUDGET } from "../../src/inspect/budget.js";
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from "../../src/server/grpc-server.js";
import { checkEnvoyBootstrap, durationMs } from "./mesh-api-fields.js";

const EXT_PROC_TYPE =
  "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor";
const HCM_TYPE =
  "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

// biome-ignore lint/suspicious/noExplicitAny: an Envoy bootstrap is walked as untyped data
type Node = any;
const config: Node = parse(
  readFileSync(new URL("../../deploy/envoy/envoy.yaml", import.meta.url), "utf8"),
);
const clusters: Node[] = config.static_resources.clusters;
const cluster = (name: string): Node => clusters.find((c) => c.name === name);
const hcm: Node = config.static_resources.listeners[0].filter_chains[0].filters.find(
  (f: Node) => f.typed_config["@type"] === HCM_TYPE,
).typed_config;
const filters: Node[] = hcm.http_filters;
const extProc: Node = filters.find(
  (f) => f.typed_config?.["@type"] === EXT_PROC_TYPE,
)?.typed_config;

describe("deploy/envoy/envoy.yaml", () => {
  it("listens on 10000 and routes to an app cluster that exists", () => {
    expect(config.static_resources.listeners[0].address.socket_address.port_value).toBe(10000);
    const routes: Node[] = hcm.route_config.virtual_hosts.flatMap((v: Node) => v.routes);
    for (const r of routes) expect(cluster(r.route.cluster)).toBeDefined();
    expect(routes.every((r) => typeof r.name === "string")).toBe(true);
  });

  it("runs ext_proc as envoy.filters.http.ext_proc, before the router, which is last", () => {
    const names = filters.map((f) => f.name);
    expect(names.at(-1)).toBe("envoy.filters.http.router");
    expect(names.indexOf("envoy.filters.http.ext_proc")).toBe(0);
    expect(extProc).toBeDefined();
  });

  it("streams request bodies, sends headers both ways and skips response bodies", () => {
    const mode = fromJson(ProcessingModeSchema, extProc.processing_mode as JsonValue);
    expect(mode.requestHeaderMode).toBe(HeaderMode.SEND);
    expect(mode.requestBodyMode).toBe(BodyMode.STREAMED);
    expect(mode.responseHeaderMode).toBe(HeaderMode.SEND);
    expect(mode.responseBodyMode).toBe(BodyMode.NONE);
  });

  it("fails closed with a 200 ms message timeout and accepts weir's mode overrides", () => {
    expect(extProc.failure_mode_allow).toBe(false);
    expect(extProc.message_timeout).toBe("0.2s");
    expect(extProc.allow_mode_override).toBe(true);
  });

  it("lets weir write dynamic metadata under the namespace it uses", () => {
    expect(extProc.metadata_options.receiving_namespaces.untyped).toEqual([METADATA_NAMESPACE]);
    expect(JSON.stringify(hcm.access_log)).toContain(`%DYNAMIC_METADATA(${METADATA_NAMESPACE})%`);
  });

  it("asks for the request attributes weir reads", () => {
    expect(extProc.request_attributes).toEqual([
      "request.path",
      "source.address",
      "xds.route_name",
    ]);
  });

  it("reaches weir over HTTP/2 on weir's default gRPC port, health-checked with gRPC health", () => {
    expect(extProc.grpc_service.envoy_grpc.cluster_name).toBe("weir");
    const weir = cluster("weir");
    const options =
      weir.typed_extension_protocol_options[
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
      ];
    expect(options["@type"]).toBe(
      "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
    );
    expect(options.explicit_http_config.http2_protocol_options).toBeDefined();
    expect(weir.health_checks[0].grpc_health_check).toBeDefined();
    const endpoint = weir.load_assignment.endpoints[0].lb_endpoints[0].endpoint;
    expect(endpoint.address.socket_address.port_value).toBe(GRPC_LISTEN.default?.().port);
  });

  it("names each cluster's load assignment after the cluster", () => {
    for (const c of clusters) expect(c.load_assignment.cluster_name).toBe(c.name);
  });
});

// ---- every body-mode configuration in deploy/envoy/ (README.md there compares them) ---------

interface ModeClaim {
  /** Words the file's first comment line uses for its mode. */
  readonly says: RegExp;
  readonly request: BodyMode;
  readonly response: BodyMode;
  readonly observability?: boolean;
}

const MODE_CLAIMS: Readonly<Record<string, ModeClaim>> = {
  "envoy.yaml": { says: /bodies STREAMED/, request: BodyMode.STREAMED, response: BodyMode.NONE },
  "envoy-buffered.yaml": {
    says: /BUFFERED\b/,
    request: BodyMode.BUFFERED,
    response: BodyMode.NONE,
  },
  "envoy-buffered-partial.yaml": {
    says: /BUFFERED_PARTIAL/,
    request: BodyMode.BUFFERED_PARTIAL,
    response: BodyMode.NONE,
  },
  "envoy-full-duplex.yaml": {
    says: /FULL_DUPLEX_STREAMED/,
    request: BodyMode.FULL_DUPLEX_STREAMED,
    response: BodyMode.FULL_DUPLEX_STREAMED,
  },
  "envoy-headers-only.yaml": {
    says: /headers only/,
    request: BodyMode.NONE,
    response: BodyMode.NONE,
  },
  "envoy-observability.yaml": {
    says: /observability mode/,
    request: BodyMode.STREAMED,
    response: BodyMode.NONE,
    observability: true,
  },
};

const DEPLOY_ENVOY = new URL("../../deploy/envoy/", import.meta.url);
const files = readdirSync(DEPLOY_ENVOY)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

/** The parts of one bootstrap the checks below read. */
function partsOf(text: string) {
  const doc: Node = parse(text);
  const hcmOf: Node = doc.static_resources.listeners[0].filter_chains[0].filters.find(
    (f: Node) => f.typed_config["@type"] === HCM_TYPE,
  ).typed_config;
  const httpFilters: Node[] = hcmOf.http_filters;
  const ext: Node = httpFilters.find(
    (f) => f.typed_config?.["@type"] === EXT_PROC_TYPE,
  )?.typed_config;
  const weirCluster: Node = doc.static_resources.clusters.find((c: Node) => c.name === "weir");
  return { doc, httpFilters, ext, weirCluster, listener: doc.static_resources.listeners[0] };
}

describe("deploy/envoy: one configuration per body mode", () => {
  it("has a configuration for every mode, and README.md lists each", () => {
    expect(files).toEqual(Object.keys(MODE_CLAIMS).sort());
    const readme = readFileSync(new URL("README.md", DEPLOY_ENVOY), "utf8");
    for (const f of files) expect(readme).toContain(`(${f})`);
  });

  it("the API check finds a misspelt or misplaced field (the check can fail)", () => {
    const { doc } = partsOf(readFileSync(new URL("envoy.yaml", DEPLOY_ENVOY), "utf8"));
    const broken = structuredClone(doc);
    broken.static_resources.clusters[1].conect_timeout = "1s";
    broken.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.processing_mode.request_body_mode =
      "STREAMING";
    const problems = checkEnvoyBootstrap(broken, "envoy.yaml");
    expect(problems.some((p) => p.includes('"conect_timeout" is not a field'))).toBe(true);
    expect(problems.some((p) => p.includes('"STREAMING" is not one of'))).toBe(true);
  });

  for (const file of files) {
    const claim = MODE_CLAIMS[file];
    describe(file, () => {
      const text = readFileSync(new URL(file, DEPLOY_ENVOY), "utf8");
      const { doc, httpFilters, ext, weirCluster, listener } = partsOf(text);

      it("every field exists in Envoy's API at its place", () => {
        expect(checkEnvoyBootstrap(doc, file)).toEqual([]);
      });

      it("runs ext_proc before the router (last), with no decompressor ahead of it", () => {
        const names = httpFilters.map((f) => f.name);
        expect(names.at(-1)).toBe("envoy.filters.http.router");
        const at = names.indexOf("envoy.filters.http.ext_proc");
        expect(at).toBeGreaterThanOrEqual(0);
        expect(names.slice(0, at).filter((n) => n.includes("decompressor"))).toEqual([]);
        expect(ext.grpc_service.envoy_grpc.cluster_name).toBe("weir");
      });

      it("sets the body mode its header comment claims", () => {
        if (claim === undefined) throw new Error(`${file} has no claim in MODE_CLAIMS`);
        // The mode is named in the header comment's first sentence (its first two lines).
        expect(text.split("\n").slice(0, 2).join(" ")).toMatch(claim.says);
        const mode = fromJson(ProcessingModeSchema, ext.processing_mode as JsonValue);
        expect(mode.requestBodyMode).toBe(claim.request);
        expect(mode.responseBodyMode).toBe(claim.response);
        expect(ext.observability_mode === true).toBe(claim.observability === true);
        // Envoy refuses FULL_DUPLEX_STREAMED without trailer mode SEND (contract §2.C C6-1).
        if (mode.requestBodyMode === BodyMode.FULL_DUPLEX_STREAMED)
          expect(mode.requestTrailerMode).toBe(HeaderMode.SEND);
        if (mode.responseBodyMode === BodyMode.FULL_DUPLEX_STREAMED)
          expect(mode.responseTrailerMode).toBe(HeaderMode.SEND);
        // Observability mode works with STREAMED and NONE only (contract §2.O).
        if (claim.observability === true) {
          for (const m of [mode.requestBodyMode, mode.responseBodyMode])
            expect([BodyMode.STREAMED, BodyMode.NONE]).toContain(m);
        }
      });

      it("gives Envoy's message timer more time than weir's budget, where Envoy arms one", () => {
        const timeout = durationMs(ext.message_timeout ?? "0.2s");
        if (ext.observability_mode !== true) {
          expect(timeout).toBeGreaterThan(DEFAULT_MESSAGE_BUDGET.budgetMs);
        }
        // Overrides (J3) stay off unless an operator sets max_message_timeout and weir's
        // timing.overrideMessageTimeoutMs together.
        expect(ext.max_message_timeout).toBeUndefined();
        expect(durationMs(weirCluster.connect_timeout)).toBeLessThan(timeout);
      });

      it("keeps a BUFFERED body within weir's receive cap", () => {
        const limit = listener.per_connection_buffer_limit_bytes;
        if (limit !== undefined)
          expect(Number(limit)).toBeLessThanOrEqual(DEFAULT_MAX_RECEIVE_MESSAGE_BYTES);
      });

      it("reaches weir over HTTP/2 with gRPC health checks, and closes ext_proc streams gracefully", () => {
        const options =
          weirCluster.typed_extension_protocol_options[
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
          ];
        expect(options.explicit_http_config.http2_protocol_options).toBeDefined();
        const health = weirCluster.health_checks[0];
        expect(health.grpc_health_check).toBeDefined();
        expect(durationMs(health.timeout)).toBeLessThan(durationMs(health.interval));
        const endpoint = weirCluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint;
        expect(endpoint.address.socket_address.port_value).toBe(GRPC_LISTEN.default?.().port);
        expect(ext.metadata_options.receiving_namespaces.untyped).toEqual([METADATA_NAMESPACE]);
        const runtime = doc.layered_runtime.layers[0].static_layer;
        expect(runtime["envoy.reloadable_features.ext_proc_graceful_grpc_close"]).toBe(true);
      });
    });
  }
});
