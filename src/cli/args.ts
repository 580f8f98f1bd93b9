/**
 * Tokenises a command's argv against its CommandSpec: `--flag VALUE`, `--flag=VALUE`,
 * switches, `--help`/`-h`, positionals, and `--` to end flags. It only splits and checks
 * shape; values are validated by the settings in src/config. Every refusal names the command,
 * the flag or argument, and what was expected.
 */
import { ConfigError } from "../config/errors.js";
import { suggest } from "../config/suggest.js";
import type { CommandSpec } from "./command-spec.js";

export interface ArgValues {
  readonly help: boolean;
  /** Setting flags given (name without dashes → raw text). */
  readonly flags: ReadonlyMap<string, string>;
  readonly switches: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ArgValues {
  if (argv.some((a) => a === "--help" || a === "-h")) {
    return { help: true, flags: new Map(), switches: new Set(), positionals: [] };
  }
  const valueFlags = new Set(spec.settings.map((s) => s.flag));
  const switchFlags = new Set(spec.switches.map((s) => s.flag));
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  const positionals: string[] = [];
  const fail = (code: ConstructorParameters<typeof ConfigError>[0], message: string): never => {
    throw new ConfigError(code, `weir ${spec.name}: ${message} (see weir ${spec.name} --help)`);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith("--"))
      fail("unknown_flag", `unknown flag ${arg}; flags are spelled --name`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (valueFlags.has(name)) {
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith("--") && next.length > 2)) {
          fail("missing_value", `--${name} needs a value`);
        }
        value = next;
        i++;
      }
      if (flags.has(name)) fail("repeated_flag", `--${name} is given twice`);
      flags.set(name, value as string);
    } else if (switchFlags.has(name)) {
      if (eq >= 0) fail("invalid_value", `--${name} takes no value`);
      switches.add(name);
    } else {
      const hint = suggest(name, [...valueFlags, ...switchFlags]);
      fail(
        "unknown_flag",
        `unknown flag --${name}${hint === undefined ? "" : `; did you mean --${hint}?`}`,
      );
    }
  }

  if (positionals.length > spec.positionals.length) {
    const extra = positionals[spec.positionals.length] as string;
    fail("unexpected_argument", `unexpected argument '${extra}'`);
  }
  const missing = spec.positionals[positionals.length];
  if (missing !== undefined) fail("missing_argument", `missing ${missing.name}: ${missing.help}`);
  return { help: false, flags, switches, positionals };
}

export { suggest };
