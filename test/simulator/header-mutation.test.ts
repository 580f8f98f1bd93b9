import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/envoy/config.js";
import { applyHeaderMutation } from "../../src/envoy/header-mutation.js";
import type { HeaderList } from "../../src/envoy/index.js";
import { HeaderValueOptionSchema } from "../../src/gen/envoy/config/core/v3/base_pb.js";
import { headerMutation, type SetHeader } from "./responses.js";

interface Vector {
  name: string;
  headers: HeaderList;
  set?: Array<SetHeader | { noHeader: true }>;
  generateSet?: { count: number; key: string; value: string; append?: boolean };
  remove: string[];
  context?: {
    replacingMessage?: boolean;
    removeContentLength?: boolean;
    rules?: Record<string, boolean>;
  };
  expect:
    | { ok: true; ignored: number; headers?: HeaderList; count?: number; ordered?: boolean }
    | { ok: false; details: string };
}

const vectors: Vector[] = JSON.parse(
  readFileSync(new URL("./fixtures/header-mutations.json", import.meta.url), "utf8"),
).vectors;

/** Stable sort by name: order within one name matters, order across names does not. */
const byName = (headers: HeaderList) =>
  headers
    .map((h, i) => [h, i] as const)
    .sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]))
    .map(([h]) => h);

describe("header mutations (§2.E), vectors in fixtures/header-mutations.json", () => {
  for (const vector of vectors) {
    it(vector.name, () => {
      const set = vector.generateSet
        ? Array.from({ length: vector.generateSet.count }, (_, i) => ({
            key: `${vector.generateSet?.key}-${i}`,
            value: vector.generateSet?.value ?? "",
            ...(vector.generateSet?.append ? { append: true } : {}),
          }))
        : (vector.set ?? []);
      const mutation = headerMutation(
        set.filter((s): s is SetHeader => !("noHeader" in s)),
        vector.remove,
      );
      // An entry without a header (an incomplete structure) must be skipped.
      for (const s of set)
        if ("noHeader" in s) mutation.setHeaders.push(create(HeaderValueOptionSchema));
      const config = resolveConfig({ mutationRules: vector.context?.rules ?? {} });
      const headers: HeaderList = vector.headers.map(([k, v]) => [k, v]);
      const result = applyHeaderMutation(headers, mutation, {
        rules: config.mutationRules,
        maxHeadersCount: config.maxHeadersCount,
        maxHeadersKb: config.maxHeadersKb,
        replacingMessage: vector.context?.replacingMessage ?? false,
        removeContentLength: vector.context?.removeContentLength ?? false,
      });
      const expected = vector.expect;
      if (!expected.ok) {
        expect(result).toEqual({ ok: false, details: expected.details });
        return;
      }
      expect(result).toEqual({ ok: true, ignored: expected.ignored });
      if (expected.count !== undefined) expect(headers).toHaveLength(expected.count);
      if (expected.headers) {
        if (expected.ordered) expect(headers).toEqual(expected.headers);
        else expect(byName(headers)).toEqual(byName(expected.headers));
      }
    });
  }
});
