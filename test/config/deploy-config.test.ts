// deploy/config/weir.yaml is the complete example the docs point to: `weir config check`
// must accept it, and it must show every section of the file (tls only as a comment: it needs
// certificates the repository does not ship).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runConfigCheck } from "../../src/cli/config-check.js";
import { SCHEMA_URL } from "../../src/config/file/schema-validator.js";

const EXAMPLE = "deploy/config/weir.yaml";

describe(EXAMPLE, () => {
  it("passes weir config check", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runConfigCheck(
      { file: EXAMPLE },
      {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      },
    );
    expect(err.join("")).toBe("");
    expect(code).toBe(0);
    expect(out.join("")).toContain(`${EXAMPLE}: valid`);
  });

  it("sets every top-level key of the schema, and shows tls commented out", () => {
    const text = readFileSync(EXAMPLE, "utf8");
    const doc = parse(text) as Record<string, unknown>;
    const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as {
      properties: Record<string, unknown>;
    };
    const keys = Object.keys(schema.properties).filter((k) => k !== "tls");
    expect(keys.filter((k) => !(k in doc))).toEqual([]);
    expect(text).toMatch(/^# tls:\n#\s+cert: .+\n#\s+key: .+\n#\s+clientCa: .+$/m);
  });
});
