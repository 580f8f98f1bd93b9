/**
 * The loader's errors, as data: every entry of test/fixtures/signatures/bad/ is a file (or a
 * directory of files) whose comments say what the load report must contain:
 *   # expect: <substring of one error>   ({file} = that file's path, {dir} = the entry's path)
 *   # loaded: <ids that must still load, comma-separated; none when absent>
 * Plus the format's positive path on good/ and the set hash.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSignatureFiles, loadSignatures } from "../../src/signatures/load.js";
import {
  failedSignatureCount,
  formatLoadReport,
  unusableSetReason,
} from "../../src/signatures/load-report.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/signatures", import.meta.url));
const BAD = join(FIXTURES, "bad");
const GOOD = join(FIXTURES, "good");
const shown = (path: string) => relative(process.cwd(), path);

interface BadCase {
  readonly name: string;
  readonly files: readonly string[];
  readonly expected: readonly string[];
  readonly loaded: readonly number[];
}

function badCases(): BadCase[] {
  return readdirSync(BAD)
    .sort()
    .map((name) => {
      const path = join(BAD, name);
      const files = statSync(path).isDirectory()
        ? readdirSync(path)
            .filter((f) => f.endsWith(".yaml"))
            .sort()
            .map((f) => join(path, f))
        : [path];
      const expected: string[] = [];
      const loaded: number[] = [];
      for (const file of files) {
        for (const line of readFileSync(file, "utf8").split("\n")) {
          const expect = /^# expect: (.*)$/.exec(line);
          if (expect?.[1] !== undefined) {
            expected.push(
              expect[1].replaceAll("{file}", shown(file)).replaceAll("{dir}", shown(path)),
            );
          }
          const ids = /^# loaded: (.*)$/.exec(line);
          if (ids?.[1] !== undefined)
            loaded.push(...ids[1].split(",").map((id) => Number(id.trim())));
        }
      }
      return { name, files, expected, loaded };
    });
}

describe("bad signature files", () => {
  const cases = badCases();

  it("every fixture states what it expects", () => {
    for (const c of cases) expect(c.expected.length, c.name).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { signatures, report } = await loadSignatureFiles(c.files);
    const errors = report.failed.flatMap((f) => f.errors);
    for (const want of c.expected) {
      expect(
        errors.some((e) => e.includes(want)),
        `no error contains:\n  ${want}\nerrors:\n  ${errors.join("\n  ")}`,
      ).toBe(true);
    }
    expect(signatures.map((s) => s.id)).toEqual(c.loaded);
    expect(report.loaded.map((l) => l.id)).toEqual(c.loaded);
  });
});

describe("good signature files", () => {
  it("loads every field of the format", async () => {
    const { signatures, report } = await loadSignatures(GOOD);
    expect(report.failed).toEqual([]);
    expect(report.files).toEqual([
      shown(join(GOOD, "example.yaml")),
      shown(join(GOOD, "second.yaml")),
    ]);
    const sig = signatures.find((s) => s.id === 101500);
    expect(sig).toMatchObject({
      family: "xss",
      severity: "error",
      paranoia: 2,
      targets: [
        { target: "args" },
        { target: "request_headers", selector: "user-agent" },
        { target: "args", selector: "callback" },
        { target: "request_cookies", selector: "Session_ID" },
      ],
      transforms: ["htmlEntityDecode", "lowercase"],
      flags: ["caseless", "dotall"],
      tags: ["example", "local"],
      source: { file: shown(join(GOOD, "example.yaml")), line: 4 },
    });
    const binary = sig?.samples.match[1];
    expect(binary).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(binary ?? "").toString("latin1")).toBe("<SCRIPT>");
  });

  it("skips signatures above the paranoia level and excluded ids, with reasons", async () => {
    const { signatures, report } = await loadSignatures(GOOD, { paranoia: 1, exclude: [111500] });
    expect(signatures).toEqual([]);
    expect(report.skipped.map((s) => [s.id, s.reason])).toEqual([
      [101500, "paranoia 2 is above the configured level 1"],
      [111500, "excluded by configuration"],
    ]);
  });

  it("reports a missing directory instead of throwing", async () => {
    const missing = join(FIXTURES, "no-such-directory");
    const { signatures, report } = await loadSignatures(missing);
    expect(signatures).toEqual([]);
    expect(report.failed[0]?.error).toContain("cannot read the signatures directory");
  });

  it("prints counts per family and paranoia level", async () => {
    const { report } = await loadSignatures(GOOD);
    const text = formatLoadReport(report);
    expect(text).toContain("signatures: 2 loaded, 0 skipped, 0 failed (2 files");
    expect(text).toMatch(/xss\s+0\s+1\s+0\s+0\s+1/);
    expect(text).toMatch(/scanner\s+1\s+0\s+0\s+0\s+1/);
  });
});

describe("whole-file failures", () => {
  it("count every signature of the file as failed and make the set unusable", async () => {
    const tab = join(BAD, "yaml-tab.yaml");
    const { report } = await loadSignatureFiles([join(GOOD, "example.yaml"), tab]);
    expect(report.failed).toHaveLength(1);
    expect(failedSignatureCount(report)).toBe(3);
    expect(formatLoadReport(report)).toMatch(
      /1 loaded, 0 skipped, 3 failed \(2 files, 1 not loaded,/,
    );
    expect(unusableSetReason(report)).toMatch(
      /yaml-tab\.yaml:15: signature 100002: .*; fix the file or move it out/,
    );
  });

  it("leave the set usable when only single signatures failed", async () => {
    const { report } = await loadSignatureFiles([join(BAD, "lookaround.yaml")]);
    expect(report.failed.length).toBeGreaterThan(0);
    expect(report.loaded.length).toBeGreaterThan(0);
    expect(failedSignatureCount(report)).toBe(report.failed.length);
    expect(unusableSetReason(report)).toBeUndefined();
  });

  it("make an empty set unusable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weir-sig-"));
    expect(unusableSetReason((await loadSignatures(dir)).report)).toContain("no signature files");
  });
});

describe("signature set hash", () => {
  const copy = (transform: (text: string) => string) => {
    const dir = mkdtempSync(join(tmpdir(), "weir-sig-"));
    for (const name of ["example.yaml", "second.yaml"]) {
      writeFileSync(join(dir, name), transform(readFileSync(join(GOOD, name), "utf8")));
    }
    return dir;
  };

  it("depends on content, not on location or line endings", async () => {
    const original = (await loadSignatures(GOOD)).report.hash;
    expect(original).toMatch(/^[0-9a-f]{64}$/);
    expect((await loadSignatures(copy((t) => t))).report.hash).toBe(original);
    expect((await loadSignatures(copy((t) => t.replace(/\n/g, "\r\n")))).report.hash).toBe(
      original,
    );
    expect(
      (await loadSignatures(copy((t) => t.replace("examplescan/", "examplescan2/")))).report.hash,
    ).not.toBe(original);
  });
});

describe("signature directory from a Kubernetes ConfigMap", () => {
  it("follows symbolic links to files, as a ConfigMap volume presents its keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weir-configmap-"));
    mkdirSync(join(dir, "..data"));
    copyFileSync(
      new URL("../../signatures/xss.yaml", import.meta.url),
      join(dir, "..data", "xss.yaml"),
    );
    symlinkSync(join("..data", "xss.yaml"), join(dir, "xss.yaml"));
    const result = await loadSignatures(dir);
    expect(result.report.failed).toEqual([]);
    expect(result.signatures.length).toBeGreaterThan(10);
    expect(result.signatures.every((s) => s.family === "xss")).toBe(true);
  });
});
