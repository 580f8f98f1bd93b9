/**
 * Help text, written from the command specs: usage, description, each flag with its
 * environment variable and default, exit status and examples.
 */
import type { CommandSpec } from "./command-spec.js";

const INDENT = "  ";
const WIDTH = 80;

/** Word-wraps `text` to WIDTH columns, each line starting with `indent`. */
export function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (word === "") continue;
    if (line !== "" && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

export function commandHelp(spec: CommandSpec): string {
  const flagsPart = spec.settings.length + spec.switches.length > 0 ? " [flags]" : "";
  const args = spec.positionals.map((p) => ` ${p.name}`).join("");
  const lines = [`Usage: weir ${spec.name}${flagsPart}${args}`, "", ...wrap(spec.summary, "")];
  for (const paragraph of spec.description) lines.push("", ...wrap(paragraph, ""));
  if (spec.positionals.length > 0) {
    lines.push("", "Arguments:");
    for (const p of spec.positionals)
      lines.push(`${INDENT}${p.name}`, ...wrap(p.help, INDENT.repeat(2)));
  }
  lines.push("", "Flags:");
  for (const s of spec.settings) {
    lines.push(`${INDENT}--${s.flag} ${s.valueName}`);
    const env = s.env === undefined ? "" : `env ${s.env}; `;
    const dflt = s.defaultText === undefined ? "required" : `default: ${s.defaultText}`;
    lines.push(...wrap(`${s.help} (${env}${dflt})`, INDENT.repeat(2)));
  }
  for (const s of spec.switches)
    lines.push(`${INDENT}--${s.flag}`, ...wrap(s.help, INDENT.repeat(2)));
  lines.push(`${INDENT}-h, --help`, `${INDENT}${INDENT}show this help`);
  if (spec.settings.some((s) => s.env !== undefined)) {
    const file = spec.settings.some((s) => s.flag === "config")
      ? "; both win over the --config file"
      : "";
    lines.push(
      "",
      ...wrap(
        `A flag wins over its environment variable${file}; an empty variable counts as unset.`,
        "",
      ),
    );
  }
  if (spec.exitStatus.length > 0) {
    lines.push("", "Exit status:");
    for (const line of spec.exitStatus) lines.push(`${INDENT}${line}`);
  }
  if (spec.examples.length > 0) {
    lines.push("", "Examples:");
    for (const line of spec.examples) lines.push(`${INDENT}${line}`);
  }
  return `${lines.join("\n")}\n`;
}

export function mainHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [
    "Usage: weir <command> [flags]",
    "",
    "weir is a streaming web application firewall for Envoy's ext_proc filter.",
    "",
    "Commands:",
    ...commands.map((c) => `${INDENT}${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Flags:",
    `${INDENT}-h, --help     show help (also: weir serve --help, weir help serve)`,
    `${INDENT}-v, --version  print weir's version`,
    "",
    ...wrap(
      "Exit status: 0 success, 1 failure, 2 bad command line or setting (weir scan: see its help).",
      "",
    ),
  ];
  return `${lines.join("\n")}\n`;
}

/** Help for a command group such as `signatures`: its subcommands, each with its summary. */
export function groupHelp(group: string, commands: readonly CommandSpec[]): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(...members.map((c) => c.name.length));
  const lines = [
    `Usage: weir ${group} <command> [flags]`,
    "",
    "Commands:",
    ...members.map((c) => `${INDENT}${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `See weir ${members[0]?.name ?? group} --help for a command's flags.`,
  ];
  return `${lines.join("\n")}\n`;
}
