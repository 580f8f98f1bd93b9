/** Command-line flags of the load client: `--name value` pairs and bare `--switch`es. */
import { BODY_KINDS, type BodyKind } from "../harness/benign-bodies.js";

export type Flags = Map<string, string>;

export function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) throw new Error(`unexpected argument '${arg}'`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) flags.set(arg.slice(2), "true");
    else {
      flags.set(arg.slice(2), next);
      i++;
    }
  }
  return flags;
}

export function number(flags: Flags, name: string, fallback?: number): number {
  const text = flags.get(name);
  if (text === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: not a number: ${text}`);
  return value;
}

export function kindOf(flags: Flags): BodyKind {
  const kind = flags.get("kind") ?? "json";
  if (!(BODY_KINDS as readonly string[]).includes(kind))
    throw new Error(`--kind: unknown '${kind}'`);
  return kind as BodyKind;
}
