import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = "src/cli/main.ts";
/** tsx's loader, resolved from this package so the child may run in any directory. */
const TSX = import.meta.resolve("tsx");
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
  version: string;
  bin: Record<string, string>;
};

/** Runs the real entry point in a child process, from another working directory. */
function weir(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["--import", TSX, `${ROOT}${MAIN}`, ...args], {
    cwd: "/",
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the weir executable", () => {
  it("is what package.json's bin names, and starts with a node shebang", () => {
    expect(pkg.bin.weir).toBe("dist/cli/main.js");
    expect(readFileSync(`${ROOT}${MAIN}`, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("prints its version from any working directory", () => {
    const run = weir(["--version"]);
    expect(run.stderr).toBe("");
    expect([run.status, run.stdout]).toEqual([0, `weir ${pkg.version}\n`]);
  });

  it("exits 2 with a one-line message on a bad setting from the environment", () => {
    const run = weir(["serve"], { WEIR_MODE: "off" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("WEIR_MODE 'off' is not valid: expected enforce or detect\n");
  });
});
