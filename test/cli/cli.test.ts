import { EventEmitter } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS, main } from "../../src/cli/cli.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, env, {
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    signals: new EventEmitter() as never,
    stdin: () => new Uint8Array(),
  });
  return { code, out: out.join(""), err: err.join("") };
}

describe("weir", () => {
  it("prints the package version for --version and -v", async () => {
    for (const flag of ["--version", "-v"]) {
      expect(await run([flag])).toEqual({ code: 0, out: `weir ${pkg.version}\n`, err: "" });
    }
  });

  it("lists every command in --help, within 80 columns", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    for (const c of COMMANDS) expect(out).toContain(`  ${c.spec.name} `);
    for (const line of out.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("prints help on standard error and exits 2 when no command is given", async () => {
    const { code, out, err } = await run([]);
    expect([code, out]).toEqual([2, ""]);
    expect(err).toContain("Usage: weir <command>");
  });

  it("refuses an unknown command with a suggestion and exit status 2", async () => {
    const { code, err } = await run(["serv"]);
    expect(code).toBe(2);
    expect(err).toContain("weir: unknown command 'serv'; did you mean 'serve'?");
  });

  it("asks for a subcommand after 'signatures'", async () => {
    expect((await run(["signatures"])).err).toContain("weir signatures needs a subcommand");
    expect((await run(["signatures", "tset"])).err).toContain("has no subcommand 'tset'");
  });

  it("prints a command group's help for 'signatures --help' and 'help signatures'", async () => {
    for (const argv of [
      ["signatures", "--help"],
      ["signatures", "-h"],
      ["help", "signatures"],
    ]) {
      const { code, out } = await run(argv);
      expect(code, argv.join(" ")).toBe(0);
      expect(out).toContain("Usage: weir signatures <command>");
      expect(out).toContain("  signatures test ");
    }
  });

  it("prints a command's own help for 'weir help <command>'", async () => {
    for (const c of COMMANDS) {
      const { code, out } = await run(["help", ...c.spec.name.split(" ")]);
      expect(code).toBe(0);
      expect(out).toContain(`Usage: weir ${c.spec.name} `);
    }
    const bad = await run(["help", "serv"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("did you mean 'serve'?");
  });

  it("exits 4 from scan when a signature file fails whole, or none loads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weir-scan-"));
    const request = join(dir, "request.http");
    writeFileSync(request, "GET /?q=1 HTTP/1.1\nHost: x\n\n");
    mkdirSync(join(dir, "none"));
    const empty = await run(["scan", "--signatures", join(dir, "none"), request]);
    expect(empty.code).toBe(4);
    expect(empty.err).toContain("no signature files");
    const sigs = join(dir, "sigs");
    mkdirSync(sigs);
    writeFileSync(
      join(sigs, "sqli.yaml"),
      "family: sqli\nsignatures:\n  - id: 100001\n\tname: x\n",
    );
    const broken = await run(["scan", "--signatures", sigs, request]);
    expect(broken.code).toBe(4);
    expect(broken.err).toMatch(/sqli\.yaml:4: signature 100001: YAML: Tabs/);
    expect(broken.out).toBe("");
  });

  for (const c of COMMANDS) {
    it(`documents every flag, variable and default of '${c.spec.name}' in its --help`, async () => {
      const { code, out } = await run([...c.spec.name.split(" "), "--help"]);
      expect(code).toBe(0);
      expect(out).toContain(`Usage: weir ${c.spec.name}`);
      const flat = out.replace(/\s+/g, " ");
      for (const s of c.spec.settings) {
        expect(out).toContain(`--${s.flag} ${s.valueName}`);
        if (s.env !== undefined) expect(flat).toContain(s.env);
        if (s.defaultText !== undefined) expect(flat).toContain(`default: ${s.defaultText}`);
      }
      for (const s of c.spec.switches) expect(out).toContain(`--${s.flag}`);
      for (const line of out.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    });
  }

  it.each([
    [["serve", "--mode", "block"], "--mode 'block' is not valid: expected enforce or detect"],
    [["serve", "--grpc-listen", "50051"], "--grpc-listen '50051' is not valid (missing ':PORT')"],
    [["serve", "--paranoia"], "weir serve: --paranoia needs a value"],
    [["proxy"], "--upstream URL is required"],
    [["scan"], "weir scan: missing FILE"],
    [["signatures", "test", "--signatures", "/nonexistent"], "it does not exist"],
  ])("exits 2 before starting anything for %j", async (argv, message) => {
    const { code, out, err } = await run(argv);
    expect([code, out]).toEqual([2, ""]);
    expect(err).toContain(message);
    expect(err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("names the environment variable when the bad value came from it", async () => {
    const { code, err } = await run(["serve"], { WEIR_THRESHOLD: "0" });
    expect(code).toBe(2);
    expect(err).toContain("WEIR_THRESHOLD '0' is not valid: expected a whole number from 1 to");
  });
});
