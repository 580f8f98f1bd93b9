/**
 * Decoder and budget findings: every anomaly code the decoders can raise has a stable id of its
 * own (none falls back to the generic id by accident), docs/findings.md states exactly the
 * table in src/inspect/findings.ts, and the policy refuses with a rule's own status.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FINDING_RULES, findingRule, findingRuleById } from "../../src/inspect/findings.js";
import type { Match } from "../../src/inspect/types.js";
import { DEFAULT_POLICY, decide } from "../../src/policy/decide.js";

const root = new URL("../../", import.meta.url);

/** String literals in src/decode that look like anomaly codes. */
function decoderCodes(): string[] {
  const dir = new URL("src/decode/", root);
  const codes = new Set<string>();
  const pattern =
    /"((?:json|form|query|multipart|charset|content_encoding|decompression|xml|nested)_[a-z0-9_]+)"/g;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    for (const m of readFileSync(new URL(file, dir), "utf8").matchAll(pattern)) {
      codes.add(m[1] as string);
    }
  }
  return [...codes].sort();
}

interface Row {
  id: number;
  code: string;
  family: string;
  severity: string;
  status: number;
}

function documentedRows(): Row[] {
  const text = readFileSync(new URL("docs/findings.md", root), "utf8");
  const rows: Row[] = [];
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (!/^99\d{4}$/.test(cells[1] ?? "")) continue;
    rows.push({
      id: Number(cells[1]),
      code: (cells[2] ?? "").replaceAll("`", ""),
      family: cells[3] ?? "",
      severity: cells[4] ?? "",
      status: Number(cells[5]),
    });
  }
  return rows;
}

function match(code: string): Match {
  const rule = FINDING_RULES[code];
  if (rule === undefined) throw new Error(`no rule for ${code}`);
  return {
    signatureId: rule.id,
    family: rule.family,
    severity: rule.severity,
    score: 5,
    target: "request_body",
    field: code,
    offset: 0,
  };
}

describe("finding rules", () => {
  it("give every anomaly code a decoder raises an id of its own", () => {
    const codes = decoderCodes();
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter((code) => FINDING_RULES[code] === undefined)).toEqual([]);
  });

  it("use each id once, in the 990000 range", () => {
    const ids = Object.values(FINDING_RULES).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id >= 990000 && id <= 990899)).toBe(true);
  });

  it("fall back to the generic id of the kind for an unknown code or a kind mismatch", () => {
    expect(findingRule("protocol", "made_up").id).toBe(990900);
    expect(findingRule("limits", "made_up").id).toBe(990901);
    expect(findingRule("protocol", "decompression_limit").id).toBe(990900);
    expect(findingRuleById(990302)?.family).toBe("limits");
    expect(findingRuleById(100001)).toBeUndefined();
  });

  it("are documented in docs/findings.md exactly", () => {
    const documented = documentedRows();
    const named = documented.filter((row) => FINDING_RULES[row.code] !== undefined);
    const expected = Object.entries(FINDING_RULES).map(([code, rule]) => ({
      id: rule.id,
      code,
      family: rule.family,
      severity: rule.severity,
      status: rule.status ?? (rule.family === "limits" ? 413 : 403),
    }));
    expect([...named].sort((a, b) => a.id - b.id)).toEqual(expected.sort((a, b) => a.id - b.id));
    const generic = documented.filter((row) => FINDING_RULES[row.code] === undefined);
    expect(generic.map((row) => [row.id, row.family, row.status])).toEqual([
      [990900, "protocol", 403],
      [990901, "limits", 413],
    ]);
  });
});

describe("refusal status", () => {
  const refuse = (...codes: string[]) => {
    const fresh = codes.map(match);
    return decide(fresh, fresh, DEFAULT_POLICY);
  };

  it("is 415 for an unknown Content-Encoding, even after another protocol finding", () => {
    expect(refuse("content_encoding_unknown")).toMatchObject({ status: 415, reason: "protocol" });
    expect(refuse("charset_not_allowed", "content_encoding_unknown")).toMatchObject({
      status: 415,
    });
  });

  it("is the policy's limit status for a decompression bomb, and its block status otherwise", () => {
    expect(refuse("decompression_limit")).toMatchObject({ status: 413, reason: "limits" });
    expect(refuse("multipart_unterminated")).toMatchObject({ status: 403, reason: "protocol" });
    const policy = { ...DEFAULT_POLICY, limitStatus: 400 };
    const fresh = [match("decompression_limit")];
    expect(decide(fresh, fresh, policy)).toMatchObject({ status: 400 });
  });

  it("lets a limits finding outrank a protocol one in the same message", () => {
    expect(refuse("content_encoding_unknown", "decompression_limit")).toMatchObject({
      status: 413,
      reason: "limits",
    });
  });

  it("does not refuse in detect mode", () => {
    const fresh = [match("content_encoding_unknown")];
    expect(decide(fresh, fresh, { ...DEFAULT_POLICY, mode: "detect" }).kind).toBe("detect");
  });
});
