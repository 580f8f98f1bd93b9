// The configuration reference is written by hand; this keeps it honest against the setting
// definitions that the CLI actually parses.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatListen, type Listen } from "../../src/config/listen.js";
import { PROXY_SETTINGS } from "../../src/config/proxy-config.js";
import { SERVE_SETTINGS } from "../../src/config/serve-config.js";
import type { Setting } from "../../src/config/setting.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const reference = read("docs/configuration.md");
const readme = read("README.md");

/** The table row of `docs/configuration.md` under `heading` that documents `setting`. */
function row(heading: string, setting: Setting<unknown>): string | undefined {
  const section = reference.split(/^## /m).find((s) => s.startsWith(heading)) ?? "";
  return section.split("\n").find((line) => line.startsWith(`| \`--${setting.flag} `));
}

describe("docs/configuration.md", () => {
  for (const [heading, settings] of [
    ["weir serve", SERVE_SETTINGS],
    ["weir proxy", PROXY_SETTINGS],
  ] as const) {
    for (const s of settings as readonly Setting<unknown>[]) {
      it(`documents ${heading} --${s.flag} with its variable and default`, () => {
        const line = row(heading, s);
        expect(line).toBeDefined();
        expect(line).toContain(`\`--${s.flag} ${s.valueName}\``);
        if (s.env !== undefined) expect(line).toContain(`\`${s.env}\``);
        if (s.default === undefined) expect(line).toContain("required");
        else if (s.flag === "signatures") expect(line).toContain("the built-in set");
        else expect(line).toContain(`\`${s.defaultText}\``);
      });

      // The built-in set's path and the number of cores depend on the machine, not the code.
      const machineDependent = s.flag === "signatures" || s.flag === "workers";
      const dflt = machineDependent ? undefined : s.default?.();
      if (dflt === undefined) continue;
      it(`states the real default of ${heading} --${s.flag} in its help text`, () => {
        const text =
          typeof dflt === "object" && dflt !== null && "port" in dflt
            ? formatListen(dflt as Listen)
            : String(dflt);
        expect(s.defaultText).toBe(text);
      });
    }
  }
});

describe("README", () => {
  for (const s of SERVE_SETTINGS) {
    it(`lists weir serve --${s.flag} and ${s.env} in its configuration summary`, () => {
      const line = readme.split("\n").find((l) => l.startsWith(`| \`--${s.flag} `));
      expect(line).toBeDefined();
      expect(line).toContain(`\`${s.env}\``);
    });
  }
});
