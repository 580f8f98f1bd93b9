// No Envoy runs in this test environment, so deploy/envoy/envoy.yaml is checked as data: it
// parses, its processing_mode is a valid ProcessingMode (through the generated protobuf
// schema, so a misspelt field or enum value fails), and the facts weir depends on hold.
import { readFileSync } from "node:fs";
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
