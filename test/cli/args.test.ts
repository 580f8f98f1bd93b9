import { describe, expect, it } from "vitest";
import { parseArgs, suggest } from "../../src/cli/args.js";
import type { CommandSpec } from "../../src/cli/command-spec.js";
import { MODE, THRESHOLD } from "../../src/config/common-settings.js";
import { ConfigError } from "../../src/config/errors.js";

const spec: CommandSpec = {
  name: "scan",
  summary: "",
  description: [],
  settings: [MODE, THRESHOLD],
  switches: [{ flag: "json", help: "" }],
  positionals: [{ name: "FILE", help: "the request file" }],
  exitStatus: [],
  examples: [],
};

function refusal(argv: string[]): ConfigError {
  try {
    parseArgs(spec, argv);
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`parseArgs accepted ${argv.join(" ")}`);
}

describe("parseArgs", () => {
  it("reads --flag VALUE, --flag=VALUE, switches and positionals in any order", () => {
    const args = parseArgs(spec, ["--mode", "detect", "req.http", "--json", "--threshold=7"]);
    expect(args.help).toBe(false);
    expect(Object.fromEntries(args.flags)).toEqual({ mode: "detect", threshold: "7" });
    expect([...args.switches]).toEqual(["json"]);
    expect(args.positionals).toEqual(["req.http"]);
  });

  it("takes '-' as a positional (standard input) and everything after '--' literally", () => {
    expect(parseArgs(spec, ["-"]).positionals).toEqual(["-"]);
    expect(parseArgs(spec, ["--", "--json"]).positionals).toEqual(["--json"]);
  });

  it("answers help whatever else is on the line", () => {
    expect(parseArgs(spec, ["--bogus", "-h"]).help).toBe(true);
    expect(parseArgs(spec, ["--help"]).help).toBe(true);
  });

  it("accepts a value that starts with one dash, leaving its check to the setting", () => {
    expect(parseArgs(spec, ["--threshold", "-1", "f"]).flags.get("threshold")).toBe("-1");
  });

  it.each([
    [
      ["--mdoe", "detect", "f"],
      "unknown_flag",
      "weir scan: unknown flag --mdoe; did you mean --mode?",
    ],
    [["--colour", "f"], "unknown_flag", "weir scan: unknown flag --colour (see weir scan --help)"],
    [["-m", "detect", "f"], "unknown_flag", "unknown flag -m; flags are spelled --name"],
    [["f", "--mode"], "missing_value", "weir scan: --mode needs a value"],
    [["--mode", "--json", "f"], "missing_value", "--mode needs a value"],
    [["--mode=a", "--mode=b", "f"], "repeated_flag", "--mode is given twice"],
    [["--json=yes", "f"], "invalid_value", "--json takes no value"],
    [["a", "b"], "unexpected_argument", "unexpected argument 'b'"],
    [[], "missing_argument", "missing FILE: the request file"],
  ])("refuses %j: %s", (argv, code, message) => {
    const error = refusal(argv);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });
});

describe("suggest", () => {
  it("proposes the closest known name within two edits, and nothing beyond", () => {
    expect(suggest("grpc-lisen", ["grpc-listen", "metrics-listen"])).toBe("grpc-listen");
    expect(suggest("serv", ["serve", "scan", "proxy"])).toBe("serve");
    expect(suggest("frobnicate", ["serve", "scan", "proxy"])).toBeUndefined();
  });
});
