/**
 * A small structured logger: one JSON object per line (time, level, msg, fields). Field values
 * are typed so that payload bytes cannot be passed by accident (DESIGN I8): no Uint8Array, no
 * Buffer; errors are reduced to their name, code and message.
 */

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a log field may hold: plain data only. */
export type LogValue =
  | string
  | number
  | boolean
  | null
  | readonly LogValue[]
  | { readonly [key: string]: LogValue };

export type LogFields = { readonly [key: string]: LogValue | Error | undefined };

/** Where finished lines go (stdout by default; a test passes an array's push). */
export type LineSink = (line: string) => void;

export interface Logger {
  readonly level: LogLevel;
  enabled(level: LogLevel): boolean;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (for example `{ component: "metrics" }`). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly sink?: LineSink;
  /** Clock for the `time` field (tests pin it). */
  readonly now?: () => Date;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export const stdoutSink: LineSink = (line) => {
  process.stdout.write(`${line}\n`);
};

export function createLogger(options: LoggerOptions = {}): Logger {
  return new JsonLogger(
    options.level ?? "info",
    options.sink ?? stdoutSink,
    options.now ?? (() => new Date()),
    {},
  );
}

class JsonLogger implements Logger {
  constructor(
    readonly level: LogLevel,
    private readonly sink: LineSink,
    private readonly now: () => Date,
    private readonly bound: LogFields,
  ) {}

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  debug(msg: string, fields?: LogFields): void {
    this.write("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write("error", msg, fields);
  }

  child(fields: LogFields): Logger {
    return new JsonLogger(this.level, this.sink, this.now, { ...this.bound, ...fields });
  }

  private write(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (!this.enabled(level)) return;
    const line: Record<string, LogValue> = { time: this.now().toISOString(), level, msg };
    copyFields(line, this.bound);
    if (fields !== undefined) copyFields(line, fields);
    this.sink(JSON.stringify(line));
  }
}

function copyFields(into: Record<string, LogValue>, fields: LogFields): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key === "time" || key === "level" || key === "msg") continue;
    into[key] = value instanceof Error ? errorFields(value) : value;
  }
}

/** An error as log data: name, code when it has one, message, and the cause's message. */
export function errorFields(error: Error): { readonly [key: string]: LogValue } {
  const out: Record<string, LogValue> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  if (error.cause instanceof Error) out.cause = error.cause.message;
  return out;
}

/**
 * Fields from code outside this module (typed `unknown`) made safe to log: plain data is kept,
 * errors are reduced, byte arrays become their length, anything else its type name.
 */
export function toLogFields(fields: Readonly<Record<string, unknown>>): LogFields {
  const out: Record<string, LogValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) out[key] = toLogValue(value, 0);
  }
  return out;
}

function toLogValue(value: unknown, depth: number): LogValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return errorFields(value);
  if (ArrayBuffer.isView(value)) return { bytes: value.byteLength };
  if (depth >= 4 || typeof value !== "object") return `[${typeof value}]`;
  if (Array.isArray(value)) return value.map((v: unknown) => toLogValue(v, depth + 1));
  const out: Record<string, LogValue> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = toLogValue(v, depth + 1);
  }
  return out;
}
