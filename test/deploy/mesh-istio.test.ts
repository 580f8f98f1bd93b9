// No Istio or Envoy runs in this test environment, so deploy/istio/*.yaml are checked as data:
// every EnvoyFilter field exists in Istio's API, every Envoy field of the patches in Envoy's
// (mesh-api-fields.ts), the ext_proc filter goes right before the router of the HTTP connection
// manager in the right context, and the cluster it calls is the one the file adds, reaching
// weir's Service over HTTP/2 with gRPC health checks and timeouts consistent with weir's budget.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METADATA_NAMESPACE } from "../../src/exchange/dynamic-metadata.js";
import { DEFAULT_MESSAGE_BUDGET } from "../../src/inspect/budget.js";
import {
  checkEnvoyFilter,
  durationMs,
  field,
  readYaml,
  readYamlDocuments,
  type Value,
} from "./mesh-api-fields.js";

const DIR = new URL("../../deploy/istio/", import.meta.url);
const EXT_PROC_TYPE =
  "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor";
const CONTEXT: Readonly<Record<string, { filter: string; cluster: string }>> = {
  "envoyfilter-sidecar.yaml": { filter: "SIDECAR_INBOUND", cluster: "SIDECAR_OUTBOUND" },
  "envoyfilter-gateway.yaml": { filter: "GATEWAY", cluster: "GATEWAY" },
};

/** weir's Service (deploy/k8s/service.yaml): its name, gRPC port and protocol. */
const service = readYaml(new URL("../../deploy/k8s/service.yaml", import.meta.url));
const grpcPort = (field(field(service, "spec"), "ports") as Value[]).find(
  (p) => field(p, "name") === "grpc",
);

const patchesOf = (doc: Value): Value[] =>
  (field(field(doc, "spec"), "configPatches") as Value[] | undefined) ?? [];

describe("deploy/istio", () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort();

  it("has an EnvoyFilter for a sidecar and one for the ingress gateway", () => {
    expect(files).toEqual(Object.keys(CONTEXT).sort());
  });

  it("the checks find a misspelt field in the EnvoyFilter and in a patched Envoy message", () => {
    const doc = structuredClone(readYaml(new URL("envoyfilter-gateway.yaml", DIR))) as {
      spec: {
        configPatches: { patch: { value: Record<string, unknown> } }[];
        workloadSelecter?: unknown;
      };
    };
    doc.spec.workloadSelecter = {};
    const cluster = doc.spec.configPatches[1]?.patch.value;
    if (cluster !== undefined) cluster.conect_timeout = "1s";
    const problems = checkEnvoyFilter(doc, "broken");
    expect(problems.some((p) => p.includes('"workloadSelecter" is not a field'))).toBe(true);
    expect(problems.some((p) => p.includes('"conect_timeout" is not a field'))).toBe(true);
  });

  for (const file of files) {
    describe(file, () => {
      const docs = readYamlDocuments(new URL(file, DIR));
      const doc = docs[0];
      const patches = patchesOf(doc);
      const filterPatch = patches.find((p) => field(p, "applyTo") === "HTTP_FILTER");
      const clusterPatch = patches.find((p) => field(p, "applyTo") === "CLUSTER");
      const ext = field(field(field(filterPatch, "patch"), "value"), "typed_config");
      const cluster = field(field(clusterPatch, "patch"), "value");

      it("is one EnvoyFilter whose every field exists in Istio's and Envoy's APIs", () => {
        expect(docs).toHaveLength(1);
        expect(checkEnvoyFilter(doc, file)).toEqual([]);
      });

      it("inserts ext_proc right before the router of the HTTP connection manager", () => {
        const context = CONTEXT[file];
        const match = field(filterPatch, "match");
        expect(field(match, "context")).toBe(context?.filter);
        const filter = field(field(field(match, "listener"), "filterChain"), "filter");
        expect(field(filter, "name")).toBe("envoy.filters.network.http_connection_manager");
        expect(field(field(filter, "subFilter"), "name")).toBe("envoy.filters.http.router");
        expect(field(field(filterPatch, "patch"), "operation")).toBe("INSERT_BEFORE");
        expect(field(field(field(filterPatch, "patch"), "value"), "name")).toBe(
          "envoy.filters.http.ext_proc",
        );
        expect(field(ext, "@type")).toBe(EXT_PROC_TYPE);
      });

      it("adds the cluster the filter calls: weir's Service over HTTP/2, health-checked", () => {
        expect(field(field(clusterPatch, "match"), "context")).toBe(CONTEXT[file]?.cluster);
        expect(field(field(clusterPatch, "patch"), "operation")).toBe("ADD");
        const name = field(field(field(ext, "grpc_service"), "envoy_grpc"), "cluster_name");
        expect(field(cluster, "name")).toBe(name);
        const options = field(
          field(cluster, "typed_extension_protocol_options"),
          "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        );
        expect(field(field(options, "explicit_http_config"), "http2_protocol_options")).toEqual({});
        const health = (field(cluster, "health_checks") as Value[])[0];
        expect(field(health, "grpc_health_check")).toEqual({});
        const endpoints = field(field(cluster, "load_assignment"), "endpoints") as Value[];
        const lb = (field(endpoints[0], "lb_endpoints") as Value[])[0];
        const address = field(field(field(lb, "endpoint"), "address"), "socket_address");
        // weir's Service in namespace `weir`, on its gRPC port, which speaks h2c.
        expect(field(address, "address")).toBe(
          `${String(field(field(service, "metadata"), "name"))}.weir.svc.cluster.local`,
        );
        expect(field(address, "port_value")).toBe(field(grpcPort, "port"));
        expect(field(grpcPort, "appProtocol")).toBe("kubernetes.io/h2c");
      });

      it("streams request bodies, fails closed, and leaves weir's budget room under the timeout", () => {
        const mode = field(ext, "processing_mode");
        expect(field(mode, "request_body_mode")).toBe("STREAMED");
        expect(field(ext, "failure_mode_allow")).toBe(false);
        const timeout = durationMs(field(ext, "message_timeout"));
        expect(timeout).toBeGreaterThan(DEFAULT_MESSAGE_BUDGET.budgetMs);
        expect(durationMs(field(cluster, "connect_timeout"))).toBeLessThan(timeout);
        const namespaces = field(
          field(field(ext, "metadata_options"), "receiving_namespaces"),
          "untyped",
        );
        expect(namespaces).toEqual([METADATA_NAMESPACE]);
      });
    });
  }
});
