// No Envoy Gateway runs in this test environment, so deploy/envoy-gateway/*.yaml are checked as
// data: every field exists in Envoy Gateway's API types (mesh-api-fields.ts), the policy calls
// weir's Service (deploy/k8s/service.yaml) on its HTTP/2 gRPC port with gRPC health checks, the
// ReferenceGrant allows exactly that reference, and the timeouts agree with weir's budget.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METADATA_NAMESPACE } from "../../src/exchange/dynamic-metadata.js";
import { DEFAULT_MESSAGE_BUDGET } from "../../src/inspect/budget.js";
import {
  API,
  checkResource,
  durationMs,
  field,
  readYaml,
  readYamlDocuments,
  type Value,
} from "./mesh-api-fields.js";

const DIR = new URL("../../deploy/envoy-gateway/", import.meta.url);
const service = readYaml(new URL("../../deploy/k8s/service.yaml", import.meta.url));
const serviceName = field(field(service, "metadata"), "name");
const grpcPort = (field(field(service, "spec"), "ports") as Value[]).find(
  (p) => field(p, "name") === "grpc",
);

const resources = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .flatMap((file) => readYamlDocuments(new URL(file, DIR)).map((doc) => ({ file, doc })));
const ofKind = (kind: string) => resources.filter(({ doc }) => field(doc, "kind") === kind);
const check = (doc: Value, where: string) =>
  checkResource(API.envoyGateway, doc, where, { durations: "gateway" });

describe("deploy/envoy-gateway", () => {
  it("holds an EnvoyExtensionPolicy, its ReferenceGrant and a Backend", () => {
    expect(resources.map(({ doc }) => field(doc, "kind")).sort()).toEqual([
      "Backend",
      "EnvoyExtensionPolicy",
      "ReferenceGrant",
    ]);
  });

  for (const { file, doc } of resources) {
    it(`${file} ${String(field(doc, "kind"))}: every field exists in the API`, () => {
      expect(check(doc, file)).toEqual([]);
    });
  }

  it("the check finds a misspelt field and a body mode Envoy Gateway does not know", () => {
    const policy = structuredClone(ofKind("EnvoyExtensionPolicy")[0]?.doc) as {
      spec: { extProc: { processingMode: { request: { body: string } }; failOpn?: boolean }[] };
    };
    const extProc = policy.spec.extProc[0];
    if (extProc === undefined) throw new Error("no extProc");
    extProc.failOpn = true;
    extProc.processingMode.request.body = "STREAMED";
    const problems = check(policy, "broken");
    expect(problems.some((p) => p.includes('"failOpn" is not a field'))).toBe(true);
    expect(problems.some((p) => p.includes('"STREAMED" is not one of'))).toBe(true);
  });

  describe("the EnvoyExtensionPolicy", () => {
    const policy = ofKind("EnvoyExtensionPolicy")[0]?.doc;
    const extProc = (field(field(policy, "spec"), "extProc") as Value[])[0];

    it("calls weir's Service on its gRPC port, which speaks HTTP/2 (h2c)", () => {
      const ref = (field(extProc, "backendRefs") as Value[])[0];
      expect(field(ref, "kind")).toBe("Service");
      expect(field(ref, "name")).toBe(serviceName);
      expect(field(ref, "port")).toBe(field(grpcPort, "port"));
      expect(field(grpcPort, "appProtocol")).toBe("kubernetes.io/h2c");
    });

    it("health-checks weir with gRPC and fails closed", () => {
      const active = field(field(field(extProc, "backendSettings"), "healthCheck"), "active");
      expect(field(active, "type")).toBe("GRPC");
      expect(durationMs(field(active, "timeout"))).toBeLessThan(
        durationMs(field(active, "interval")),
      );
      expect(field(extProc, "failOpen")).toBe(false);
    });

    it("gives Envoy's message timer more time than weir's budget, and the connection less", () => {
      const timeout = durationMs(field(extProc, "messageTimeout"));
      expect(timeout).toBeGreaterThan(DEFAULT_MESSAGE_BUDGET.budgetMs);
      const tcp = field(field(field(extProc, "backendSettings"), "timeout"), "tcp");
      expect(durationMs(field(tcp, "connectTimeout"))).toBeLessThan(timeout);
    });

    it("streams request bodies and lets weir write its metadata namespace", () => {
      expect(field(field(field(extProc, "processingMode"), "request"), "body")).toBe("Streamed");
      expect(field(field(extProc, "metadata"), "writableNamespaces")).toEqual([METADATA_NAMESPACE]);
    });
  });

  it("the ReferenceGrant allows exactly the policy's cross-namespace reference to weir", () => {
    const grant = ofKind("ReferenceGrant")[0]?.doc;
    const policy = ofKind("EnvoyExtensionPolicy")[0]?.doc;
    const ref = (
      field((field(field(policy, "spec"), "extProc") as Value[])[0], "backendRefs") as Value[]
    )[0];
    expect(field(field(grant, "metadata"), "namespace")).toBe(field(ref, "namespace"));
    const from = (field(field(grant, "spec"), "from") as Value[])[0];
    expect([field(from, "group"), field(from, "kind")]).toEqual([
      "gateway.envoyproxy.io",
      "EnvoyExtensionPolicy",
    ]);
    const to = (field(field(grant, "spec"), "to") as Value[])[0];
    expect([field(to, "kind"), field(to, "name")]).toEqual(["Service", serviceName]);
  });

  it("the Backend for weir outside the cluster speaks h2c on weir's port", () => {
    const backend = ofKind("Backend")[0]?.doc;
    expect(field(field(backend, "spec"), "appProtocols")).toEqual(["gateway.envoyproxy.io/h2c"]);
    const endpoint = (field(field(backend, "spec"), "endpoints") as Value[])[0];
    expect(field(field(endpoint, "fqdn"), "port")).toBe(field(grpcPort, "port"));
  });
});
