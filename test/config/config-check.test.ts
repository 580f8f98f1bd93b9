// `weir config check FILE` through the CLI dispatcher: exit 0 with a summary, exit 1 with
// every problem on stderr, exit 2 for a bad command line.
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/cli.js";

async function run(argv: readonly string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    {},
    {
      io: { out: (t) => out.push(t), err: (t) => err.push(t) },
      signals: new EventEmitter(),
      stdin: () => new Uint8Array(),
    },
  );
  return { code, out: out.join(""), err: err.join("") };
}

describe("weir config check", () => {
  it("summarises a valid file and exits 0", async () => {
    const r = await run(["config", "check", "test/fixtures/config/valid/full.yaml"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        "test/fixtures/config/valid/full.yaml: valid",
        "  mode: detect, paranoia 2, thresholds 7 inbound / 6 outbound",
        `  signatures: ${process.cwd()}/test/fixtures/config/signatures (2 loaded, 0 skipped, 0 failed)`,
        "  routes: notes-api, everything-else-on-api, then default",
        "  tls: off",
        "",
      ].join("\n"),
    );
  });

  it("prints every problem of a bad file and exits 1", async () => {
    const r = await run(["config", "check", "test/fixtures/config/invalid/types.yaml"]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    const lines = r.err.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe(
      "test/fixtures/config/invalid/types.yaml:11:41: routes[2].exclusions[0].signatures[1]: 9421OO is not an integer",
    );
    expect(lines.at(-1)).toBe("3 problem(s) found");
  });

  it("names a file that does not exist", async () => {
    const r = await run(["config", "check", "no-such-weir.yaml"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("no-such-weir.yaml: the file does not exist");
  });

  it("wants exactly one FILE (exit 2)", async () => {
    expect((await run(["config", "check"])).code).toBe(2);
    expect((await run(["config", "check", "a.yaml", "b.yaml"])).code).toBe(2);
    expect((await run(["config"])).err).toContain("weir config needs a subcommand");
  });
});
