/**
 * The one error type for bad command lines and bad settings. Each names where the value came
 * from (a flag or an environment variable), the value, and what was expected, so the message
 * alone tells the operator what to fix. The CLI prints the message and exits with status 2.
 */

export type ConfigErrorCode =
  | "unknown_command"
  | "unknown_flag"
  | "missing_value"
  | "repeated_flag"
  | "invalid_value"
  | "missing_required"
  | "unexpected_argument"
  | "missing_argument";

export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** `--mode 'enforced' is not valid: expected enforce or detect`, with an optional reason. */
  static invalidValue(
    source: string,
    value: string,
    expected: string,
    reason?: string,
  ): ConfigError {
    const why = reason === undefined ? "" : ` (${reason})`;
    return new ConfigError(
      "invalid_value",
      `${source} '${value}' is not valid${why}: expected ${expected}`,
    );
  }
}
