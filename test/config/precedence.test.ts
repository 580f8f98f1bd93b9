// Precedence of the four sources, as data (test/fixtures/config/precedence.json): flag, then
// environment, then the configuration file, then the default, and routes inheriting the winner.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatListen } from "../../src/config/listen.js";
import { loadServeConfig } from "../../src/config/load-serve-config.js";

interface Case {
  readonly name: string;
  readonly flags: Record<string, string>;
  readonly env: Record<string, string>;
  readonly expect: Record<string, unknown>;
}

const FILE = "test/fixtures/config/precedence.yaml";
const { cases } = JSON.parse(
  readFileSync(new URL("../fixtures/config/precedence.json", import.meta.url), "utf8"),
) as { cases: Case[] };

describe("configuration precedence", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const loaded = await loadServeConfig(
        new Map(Object.entries({ ...c.flags, config: FILE })),
        c.env,
      );
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
      const { config } = loaded;
      const threshold = (name: string) =>
        config.policies.routes.find((r) => r.policy.name === name)?.policy.threshold;
      expect({
        mode: config.mode,
        paranoia: config.paranoia,
        threshold: config.threshold,
        grpcListen: formatListen(config.grpcListen),
        apiThreshold: threshold("api"),
        strictThreshold: threshold("strict"),
      }).toEqual(c.expect);
    });
  }

  it("names the file values a flag or variable overrides", async () => {
    const loaded = await loadServeConfig(
      new Map([
        ["config", FILE],
        ["mode", "enforce"],
      ]),
      {
        WEIR_PARANOIA: "2",
      },
    );
    expect(loaded.ok && loaded.overridden).toEqual(["mode (--mode)", "paranoia (WEIR_PARANOIA)"]);
  });
});
