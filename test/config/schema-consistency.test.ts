// The JSON Schema is the validator, and the code has its own lists of the same words (modes,
// families, body modes, targets ...). These tests keep the two in step, and keep the reference
// in docs/configuration.md complete: every key the schema accepts is documented there.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MODES } from "../../src/config/common-settings.js";
import { SCHEMA_URL } from "../../src/config/file/schema-validator.js";
import { BODY_MODES } from "../../src/exchange/body-mode.js";
import { BUDGET_POLICIES } from "../../src/inspect/budget.js";
import { FAMILIES, TARGETS } from "../../src/inspect/types.js";
import { LOG_LEVELS } from "../../src/log/logger.js";

interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly "x-expected"?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly items?: Schema;
  readonly $defs?: Readonly<Record<string, Schema>>;
}

const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as Schema;
const defs = schema.$defs ?? {};
const reference = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");

function resolve(node: Schema): Schema {
  const ref = node.$ref;
  if (ref === undefined) return node;
  const target = defs[ref.replace("#/$defs/", "")];
  if (target === undefined) throw new Error(`unresolved ${ref}`);
  const { $ref: _ref, ...rest } = node;
  return { ...target, ...rest };
}

/**
 * Every key path the schema accepts: `listeners.grpc.address`, `routes[].match.host`. A shared
 * definition is walked once, where it first appears (route exclusions are documented with the
 * global `exclusions`).
 */
function keyPaths(node: Schema, prefix: string, seen = new Set<string>()): string[] {
  if (node.$ref !== undefined) {
    if (seen.has(node.$ref)) return [];
    seen.add(node.$ref);
  }
  const n = resolve(node);
  const out: string[] = [];
  for (const [key, child] of Object.entries(n.properties ?? {})) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    out.push(path);
    out.push(...keyPaths(child, path, seen));
  }
  if (n.items !== undefined) out.push(...keyPaths(n.items, `${prefix}[]`, seen));
  return out;
}

function everyNode(node: Schema, visit: (n: Schema) => void): void {
  visit(node);
  for (const child of Object.values(node.properties ?? {})) everyNode(child, visit);
  for (const child of Object.values(node.$defs ?? {})) everyNode(child, visit);
  if (node.items !== undefined) everyNode(node.items, visit);
}

describe("schema/weir-config.schema.json", () => {
  it("lists the modes the policy knows", () => {
    expect(defs.mode?.enum).toEqual([...MODES]);
  });

  it("lists every signature family (limits findings come from budgets, not signatures)", () => {
    expect(defs.family?.enum).toEqual(FAMILIES.filter((f) => f !== "limits"));
  });

  it("lists the body modes mode_override can ask for (every one but full_duplex_streamed)", () => {
    expect(defs.bodyMode?.enum).toEqual(BODY_MODES.filter((m) => m !== "full_duplex_streamed"));
  });

  it("lists the log levels of the logger", () => {
    expect(schema.properties?.logLevel?.enum).toEqual([...LOG_LEVELS]);
  });

  it("lists the budget policies of the inspector", () => {
    const timing = schema.properties?.timing?.properties?.onBudgetExceeded?.enum ?? [];
    expect([...timing].sort()).toEqual([...BUDGET_POLICIES].sort());
  });

  it("accepts exactly the inspection targets as exclusion fields", () => {
    const group = /^\^\(([^)]*)\)/.exec(defs.field?.pattern ?? "")?.[1] ?? "";
    expect(group.split("|")).toEqual([...TARGETS]);
  });

  it("says in plain words what every pattern expects", () => {
    const missing: string[] = [];
    everyNode(schema, (n) => {
      if (n.pattern !== undefined && n["x-expected"] === undefined) missing.push(n.pattern);
    });
    expect(missing).toEqual([]);
  });
});

describe("docs/configuration.md", () => {
  for (const path of keyPaths(schema, "")) {
    it(`documents the key ${path}`, () => {
      expect(reference).toContain(`\`${path}\``);
    });
  }
});
