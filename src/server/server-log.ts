/**
 * The server's own diagnostics (stream failures, drain progress). The structured logger of the
 * product lives elsewhere; the CLI passes it in through this one function type. The default
 * writes one JSON line to stderr. Fields never carry payload bytes.
 */
export type LogLevel = "info" | "warn" | "error";

export type ServerLog = (level: LogLevel, event: string, fields: Record<string, unknown>) => void;

export const stderrLog: ServerLog = (level, event, fields) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`,
  );
};

export const silentLog: ServerLog = () => {};
