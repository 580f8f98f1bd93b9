/**
 * The dispatcher behind the `weir` binary: picks the command, turns argument and setting
 * errors into a one-line message and exit status 2, and runs the command. It takes argv, the
 * environment and output channels as arguments so tests can drive it in-process.
 */
import { ConfigError } from "../config/errors.js";
import { packageVersion } from "../config/package-paths.js";
import type { Environment } from "../config/setting.js";
import { suggest } from "./args.js";
import type { CliIo, CommandSpec, Parsed } from "./command-spec.js";
import { CONFIG_CHECK_COMMAND, parseConfigCheckArgs, runConfigCheck } from "./config-check.js";
import { commandHelp, groupHelp, mainHelp } from "./help.js";
import { PROXY_COMMAND, parseProxyArgs, runProxy } from "./proxy.js";
import { parseScanArgs, runScan, SCAN_COMMAND } from "./scan.js";
import { parseServeArgs, runServe, SERVE_COMMAND, type SignalSource } from "./serve.js";
import {
  parseSignaturesTestArgs,
  runSignaturesTest,
  SIGNATURES_TEST_COMMAND,
} from "./signatures-test.js";

export const USAGE_EXIT = 2;

export interface CliDeps {
  readonly io: CliIo;
  readonly signals: SignalSource;
  readonly stdin: () => Uint8Array;
}

interface Command<C> {
  readonly spec: CommandSpec;
  parse(argv: readonly string[], env: Environment): Parsed<C>;
  run(config: C, deps: CliDeps): Promise<number>;
}

function command<C>(c: Command<C>): Command<unknown> {
  return c as Command<unknown>;
}

export const COMMANDS: readonly Command<unknown>[] = [
  command({
    spec: SERVE_COMMAND,
    parse: parseServeArgs,
    run: (config, deps) => runServe(config, { signals: deps.signals }),
  }),
  command({
    spec: PROXY_COMMAND,
    parse: parseProxyArgs,
    run: (config, deps) => runProxy(config, { signals: deps.signals }),
  }),
  command({
    spec: SCAN_COMMAND,
    parse: parseScanArgs,
    run: (config, deps) => runScan(config, deps.io, deps.stdin),
  }),
  command({
    spec: SIGNATURES_TEST_COMMAND,
    parse: parseSignaturesTestArgs,
    run: (config, deps) => runSignaturesTest(config, deps.io),
  }),
  command({
    spec: CONFIG_CHECK_COMMAND,
    parse: parseConfigCheckArgs,
    run: (config, deps) => runConfigCheck(config, deps.io),
  }),
];

export async function main(
  argv: readonly string[],
  env: Environment,
  deps: CliDeps,
): Promise<number> {
  const { io } = deps;
  const first = argv[0];
  if (first === undefined) {
    io.err(mainHelp(COMMANDS.map((c) => c.spec)));
    return USAGE_EXIT;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    return showHelp(first === "help" ? argv.slice(1) : [], io);
  }
  if (first === "--version" || first === "-v") {
    io.out(`weir ${packageVersion()}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (found === undefined && isGroup(first) && (argv[1] === "--help" || argv[1] === "-h")) {
    return showHelp([first], io);
  }
  if (found === undefined) {
    io.err(`${unknownCommand(argv)}\n`);
    return USAGE_EXIT;
  }
  const { cmd, rest } = found;
  let parsed: Parsed<unknown>;
  try {
    parsed = cmd.parse(rest, env);
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return USAGE_EXIT;
  }
  if (parsed.help) {
    io.out(commandHelp(cmd.spec));
    return 0;
  }
  try {
    return await cmd.run(parsed.config, deps);
  } catch (error: unknown) {
    io.err(`weir ${cmd.spec.name}: ${describe(error)}\n`);
    return 1;
  }
}

/** `weir help [command...]`: the main help, a command's, or a group's (`weir help signatures`). */
function showHelp(topic: readonly string[], io: CliIo): number {
  const specs = COMMANDS.map((c) => c.spec);
  if (topic.length === 0) {
    io.out(mainHelp(specs));
    return 0;
  }
  const found = findCommand(topic);
  if (found !== undefined && found.rest.length === 0) {
    io.out(commandHelp(found.cmd.spec));
    return 0;
  }
  const group = topic[0] ?? "";
  if (topic.length === 1 && isGroup(group)) {
    io.out(groupHelp(group, specs));
    return 0;
  }
  io.err(`${unknownCommand(topic)}\n`);
  return USAGE_EXIT;
}

function isGroup(word: string): boolean {
  return COMMANDS.some((c) => c.spec.name.startsWith(`${word} `));
}

/** Longest command name that prefixes argv (`signatures test` before `signatures`). */
function findCommand(
  argv: readonly string[],
): { cmd: Command<unknown>; rest: readonly string[] } | undefined {
  for (const cmd of COMMANDS) {
    const words = cmd.spec.name.split(" ");
    if (words.every((w, i) => argv[i] === w)) return { cmd, rest: argv.slice(words.length) };
  }
  return undefined;
}

function unknownCommand(argv: readonly string[]): string {
  const first = argv[0] ?? "";
  if (first.startsWith("-")) return `weir: unknown flag ${first} (see weir --help)`;
  const groups = COMMANDS.filter((c) => c.spec.name.startsWith(`${first} `));
  if (groups.length > 0) {
    const sub = argv[1];
    const names = groups.map((c) => `'weir ${c.spec.name}'`).join(", ");
    const what = sub === undefined ? "needs a subcommand" : `has no subcommand '${sub}'`;
    return `weir ${first} ${what}: try ${names}`;
  }
  const hint = suggest(
    first,
    COMMANDS.map((c) => c.spec.name.split(" ")[0] ?? ""),
  );
  const mean = hint === undefined ? "" : `; did you mean '${hint}'?`;
  return `weir: unknown command '${first}'${mean} (commands: ${COMMANDS.map((c) => c.spec.name).join(", ")}; see weir --help)`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
