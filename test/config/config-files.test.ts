// One runner for the configuration file fixtures. Each file in invalid/ lists the problems weir
// must report for it in `# expect: LINE:COLUMN PATH: MESSAGE` comments, all of them and in
// file order; each file in valid/ must load, and resolve to what its sibling .json says.
// FIXTURES in an expectation stands for the absolute path of test/fixtures/config.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSignatureSet } from "../../src/cli/engine-wiring.js";
import { displayPath } from "../../src/config/file/load-config-file.js";
import { compileParanoia } from "../../src/config/file/policies.js";
import { formatProblem } from "../../src/config/file/problems.js";
import { loadFileConfig } from "../../src/config/load-serve-config.js";
import { BUILTIN_SIGNATURES_DIR } from "../../src/config/package-paths.js";
import type { ServeConfig } from "../../src/config/serve-config.js";
import type { RoutePolicy } from "../../src/policy/route-policy.js";
import { checkInputs } from "../../src/reload/runtime-builder.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/config/", import.meta.url)).replace(/\/$/, "");
const files = (dir: string) =>
  readdirSync(join(FIXTURES, dir))
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => join(FIXTURES, dir, name));

/** Every problem weir reports for `path`, without the `file:` prefix. */
async function problemsOf(path: string): Promise<string[]> {
  const prefix = `${displayPath(path)}:`;
  const strip = (line: string) => (line.startsWith(prefix) ? line.slice(prefix.length) : line);
  const loaded = await loadFileConfig(path);
  if (!loaded.ok) return loaded.problems.map((p) => strip(formatProblem(p)));
  const inputs = await checkInputs(loaded, loadSignatureSet);
  return inputs.ok ? [] : inputs.errors.map(strip);
}

describe("invalid configuration files", () => {
  for (const path of files("invalid")) {
    const text = readFileSync(path, "utf8");
    const expected = text
      .split("\n")
      .filter((line) => line.startsWith("# expect: "))
      .map((line) => line.slice("# expect: ".length).replaceAll("FIXTURES", FIXTURES));
    it(`reports every problem of ${basename(path)} with its line, column and path`, async () => {
      expect(expected.length).toBeGreaterThan(0);
      expect(await problemsOf(path)).toEqual(expected);
    });
  }
});

describe("valid configuration files", () => {
  for (const path of files("valid")) {
    it(`loads ${basename(path)} and resolves it as ${basename(path, ".yaml")}.json says`, async () => {
      const expected = JSON.parse(readFileSync(path.replace(/\.yaml$/, ".json"), "utf8")) as object;
      const loaded = await loadFileConfig(path);
      if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join("\n"));
      const config = loaded.config;
      if (!config.signaturesDirs.includes(BUILTIN_SIGNATURES_DIR)) {
        const inputs = await checkInputs(loaded, loadSignatureSet);
        expect(inputs.ok ? [] : inputs.errors).toEqual([]);
      }
      expect(project(config, dirname(path))).toMatchObject(expected);
    });
  }
});

/** The resolved configuration as plain JSON: sets as sorted lists, paths relative to the file. */
function project(config: ServeConfig, base: string): object {
  const policy = (p: RoutePolicy) => ({
    ...p,
    families: p.families === undefined ? null : [...p.families].sort(),
    exclusionCount: p.exclusions.length,
  });
  const listen = (l: { host: string; port: number }) =>
    l.host.includes(":") ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`;
  return {
    ...config,
    grpcListen: listen(config.grpcListen),
    metricsListen: listen(config.metricsListen),
    signatures: config.signaturesDirs.map((d) =>
      d === BUILTIN_SIGNATURES_DIR ? "builtin" : relative(base, d),
    ),
    cacheDir: config.cacheDir ?? null,
    tls: config.tls ?? null,
    redaction: {
      defaultStyle: config.redaction.defaultStyle,
      mask: String.fromCharCode(config.redaction.mask),
      token: new TextDecoder().decode(config.redaction.token),
    },
    compileParanoia: compileParanoia(config.policies),
    fallback: policy(config.policies.fallback),
    routes: config.policies.routes.map((r) => ({ match: r.match, policy: policy(r.policy) })),
  };
}
