/**
 * The request guards around signature matching: argument checks (NUL, overlong UTF-8; not on
 * multipart file contents), the comma-joined value of repeated names, the framing headers, the
 * body size limit and rule exclusions. Units first, then the request inspector end to end with
 * a two-signature set, whole and at every split of the body (I2).
 */
import { describe, expect, it } from "vitest";
import { ArgumentChecks } from "../../src/inspect/argument-checks.js";
import { compileEngine } from "../../src/inspect/engine.js";
import { Exclusions, type RuleExclusion } from "../../src/inspect/exclusions.js";
import { FramingHeaders } from "../../src/inspect/framing-headers.js";
import { DEFAULT_LIMITS } from "../../src/inspect/limits.js";
import { MAX_VALUE_BYTES, RepeatedArguments } from "../../src/inspect/repeated-arguments.js";
import type { CompilableSignature } from "../../src/signatures/compile.js";

const bytes = (text: string): Uint8Array => Buffer.from(text, "latin1");

describe("argument checks", () => {
  const firstAnomaly = (...chunks: string[]) => {
    const checks = new ArgumentChecks();
    for (const chunk of chunks) {
      const found = checks.check(bytes(chunk));
      if (found !== undefined) return found;
    }
    return undefined;
  };

  it("flag a NUL byte and an overlong form, also across chunks", () => {
    expect(firstAnomaly("a\x00b")).toBe("argument_nul");
    expect(firstAnomaly("..\xc0\xae/")).toBe("argument_overlong_utf8");
    expect(firstAnomaly("x\xc0", "\xaf")).toBe("argument_overlong_utf8");
    expect(firstAnomaly("\xe0\x80\xae")).toBe("argument_overlong_utf8");
    expect(firstAnomaly("\xf0\x80\x80\xae")).toBe("argument_overlong_utf8");
  });

  it("pass UTF-8 text and Latin-1 bytes that are not overlong forms", () => {
    expect(firstAnomaly("caf\xc3\xa9 \xe5\xa8\xa7 \xf0\x9f\x98\x80")).toBeUndefined();
    expect(firstAnomaly("caf\xe9 au lait")).toBeUndefined();
    expect(firstAnomaly("Sm4ll%0015")).toBeUndefined();
  });

  it("start afresh for each value", () => {
    const checks = new ArgumentChecks();
    expect(checks.check(bytes("\xc0"))).toBeUndefined();
    checks.reset();
    expect(checks.check(bytes("\xae"))).toBeUndefined();
  });
});

describe("repeated arguments", () => {
  const joinsOf = (joiner: RepeatedArguments) =>
    [...joiner.joins()].map(({ name, joined }) => [name, Buffer.from(joined).toString("latin1")]);
  const value = (joiner: RepeatedArguments, name: string, ...parts: string[]) => {
    joiner.start(name);
    for (const part of parts) joiner.data(bytes(part));
    joiner.end();
  };

  it("join every value of a repeated name with commas, names compared without case", () => {
    const joiner = new RepeatedArguments();
    value(joiner, "id", "1/*");
    value(joiner, "q", "x");
    value(joiner, "ID", "*/UNION/*");
    expect(joinsOf(joiner)).toEqual([["id", "1/*,*/UNION/*"]]);
    value(joiner, "id", "*/SELECT ", "pass");
    expect(joinsOf(joiner)).toEqual([["id", "1/*,*/UNION/*,*/SELECT pass"]]);
    expect(joinsOf(joiner)).toEqual([]);
  });

  it("keep at most MAX_VALUE_BYTES of each value", () => {
    const joiner = new RepeatedArguments();
    value(joiner, "a", "x".repeat(MAX_VALUE_BYTES + 10));
    value(joiner, "a", "y");
    const [[, joined] = []] = joinsOf(joiner);
    expect(joined).toBe(`${"x".repeat(MAX_VALUE_BYTES)},y`);
  });
});

describe("framing headers", () => {
  const framing = (...headers: [string, string][]) => {
    const f = new FramingHeaders();
    for (const [key, value] of headers) f.add(key, bytes(value));
    return f;
  };

  it("refuse content-length with transfer-encoding, and codings other than chunked", () => {
    expect(framing(["content-length", "4"], ["transfer-encoding", "chunked"]).anomalies()).toEqual([
      "content_length_with_transfer_encoding",
    ]);
    expect(framing(["transfer-encoding", "xchunked"]).anomalies()).toEqual([
      "transfer_encoding_unknown",
    ]);
    expect(framing(["transfer-encoding", "gzip, chunked"]).anomalies()).toEqual([
      "transfer_encoding_unknown",
    ]);
    expect(framing(["transfer-encoding", "Chunked"]).anomalies()).toEqual([]);
    expect(framing(["content-length", "10"]).anomalies()).toEqual([]);
  });

  it("read the declared length only when every content-length agrees", () => {
    expect(framing(["content-length", "64"]).contentLength).toBe(64);
    expect(framing(["content-length", "64, 64"]).contentLength).toBe(64);
    expect(framing(["content-length", "64"], ["content-length", "101"]).contentLength).toBe(
      undefined,
    );
    expect(framing(["content-length", "6x"]).contentLength).toBeUndefined();
    expect(framing().contentLength).toBeUndefined();
  });
});

describe("exclusions", () => {
  const exclusions = new Exclusions([
    { families: ["xss"], target: "args", field: "Comment" },
    { ids: [7], target: "request_headers" },
  ]);

  it("drop a family on one field and an id on a whole target", () => {
    expect(exclusions.excludes(1, "xss", "args", "comment")).toBe(true);
    expect(exclusions.excludes(1, "xss", "args", "name")).toBe(false);
    expect(exclusions.excludes(1, "sqli", "args", "comment")).toBe(false);
    expect(exclusions.excludes(7, "sqli", "request_headers", "referer")).toBe(true);
    expect(exclusions.excludesSomeField(1, "xss", "args")).toBe(true);
    expect(exclusions.excludesSomeField(7, "sqli", "request_headers")).toBe(false);
  });

  it("refuse an exclusion that names nothing to exclude", () => {
    expect(() => new Exclusions([{ target: "args", field: "x" }])).toThrow(/names no signature/);
  });
});

describe("request inspector guards", () => {
  const signatures: CompilableSignature[] = [
    {
      id: 1,
      family: "xss",
      severity: "critical",
      paranoia: 1,
      targets: [{ target: "args" }, { target: "request_body" }],
      transforms: [],
      pattern: "<script",
      flags: ["caseless"],
    },
    {
      id: 2,
      family: "sqli",
      severity: "critical",
      paranoia: 1,
      targets: [{ target: "args" }],
      transforms: ["replaceComments"],
      pattern: "union\\s+select",
      flags: ["caseless"],
    },
  ];
  const exclusions: RuleExclusion[] = [{ families: ["xss"], target: "args", field: "comment" }];
  const engine = compileEngine(signatures, {
    paranoia: 1,
    limits: { ...DEFAULT_LIMITS, maxBodyBytes: 100 },
    exclusions,
  });

  interface Case {
    name: string;
    headers: [string, string][];
    body: string | null;
    expect: number[];
  }
  const post = (path: string, type: string, ...extra: [string, string][]): [string, string][] => [
    [":method", "POST"],
    [":path", path],
    ["content-type", type],
    ...extra,
  ];
  const form = "application/x-www-form-urlencoded";
  const multipart = "multipart/form-data; boundary=b";
  const cases: Case[] = [
    { name: "NUL in a form value", headers: post("/", form), body: "a=x%00y", expect: [990010] },
    { name: "NUL in a query value", headers: post("/?a=%00", form), body: null, expect: [990010] },
    {
      name: "overlong dot in a form value",
      headers: post("/", form),
      body: "a=%c0%ae%c0%ae/",
      expect: [990011],
    },
    {
      name: "NUL in a multipart file is not an argument",
      headers: post("/", multipart),
      body: '--b\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n\x00\x01\r\n--b--\r\n',
      expect: [],
    },
    {
      name: "NUL in a multipart field is",
      headers: post("/", multipart),
      body: '--b\r\nContent-Disposition: form-data; name="f"\r\n\r\n\x00\x01\r\n--b--\r\n',
      expect: [990010],
    },
    {
      name: "repeated name joined across query and body",
      headers: post("/?id=1/*", form),
      body: "id=*/union/*&id=*/select+1",
      expect: [2],
    },
    { name: "each value alone is benign", headers: post("/?id=1", form), body: "id=2", expect: [] },
    {
      name: "content-length over maxBodyBytes",
      headers: post("/", form, ["content-length", "101"]),
      body: "a=1",
      expect: [990007],
    },
    {
      name: "body of exactly maxBodyBytes",
      headers: post("/", form),
      body: "a".repeat(100),
      expect: [],
    },
    {
      name: "body one byte over",
      headers: post("/", form),
      body: "a".repeat(101),
      expect: [990007],
    },
    {
      name: "framing headers",
      headers: post("/", form, ["content-length", "3"], ["transfer-encoding", "chunked"]),
      body: "a=1",
      expect: [990020],
    },
    {
      name: "xss only in the excluded field, raw body included",
      headers: post("/", form),
      body: "comment=<script>x&name=alice",
      expect: [],
    },
    {
      name: "xss in another field still fires",
      headers: post("/", form),
      body: "comment=<script>x&name=<script>",
      expect: [1],
    },
    {
      name: "raw-body hits still count on a body without fields",
      headers: post("/", "text/plain"),
      body: "<script>",
      expect: [1],
    },
  ];

  async function ids(c: Case, chunks: Uint8Array[]): Promise<number[]> {
    const exchange = engine.openExchange();
    try {
      const headers = c.headers.map(([key, value]) => ({ key, value: bytes(value) }));
      const found = [...exchange.request.headers(headers, c.body === null)];
      for (const [i, chunk] of chunks.entries()) {
        found.push(...(await exchange.request.body(chunk, i === chunks.length - 1)));
      }
      return [...new Set(found.map((m) => m.signatureId))].sort((a, b) => a - b);
    } finally {
      exchange.close();
    }
  }

  for (const c of cases) {
    it(`${c.name}: reports ${JSON.stringify(c.expect)} whole and at every split`, async () => {
      const body = c.body === null ? undefined : bytes(c.body);
      expect(await ids(c, body === undefined ? [] : [body])).toEqual(c.expect);
      if (body === undefined) return;
      for (let k = 1; k < body.length; k++) {
        const split = await ids(c, [body.subarray(0, k), body.subarray(k)]);
        expect(split, `split at ${k}`).toEqual(c.expect);
      }
    });
  }
});
