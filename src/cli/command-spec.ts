/**
 * What a command accepts, as data: its settings (flags with environment variables), its
 * switches (flags without a value) and its positional arguments. The argument parser and the
 * help text are both driven by it, so they cannot disagree.
 */
import type { Setting } from "../config/setting.js";

export interface Switch {
  /** Flag name without dashes: `json`. */
  readonly flag: string;
  readonly help: string;
}

export interface Positional {
  readonly name: string;
  readonly help: string;
}

export interface CommandSpec {
  /** As typed after `weir`: `serve`, `signatures test`. */
  readonly name: string;
  readonly summary: string;
  /** Paragraphs shown under the usage line. */
  readonly description: readonly string[];
  readonly settings: readonly Setting<unknown>[];
  readonly switches: readonly Switch[];
  /** Required positional arguments, in order (none are optional). */
  readonly positionals: readonly Positional[];
  /** Lines under "Exit status:" in help. */
  readonly exitStatus: readonly string[];
  readonly examples: readonly string[];
}

/** The outcome of parsing a command line: show help, or run with a validated config. */
export type Parsed<C> = { readonly help: true } | { readonly help: false; readonly config: C };

/** Output channels, so commands are testable without touching the process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}
