// Why this exists: one error class for everything the binding throws. `code` is stable: the
// hs_error_t name ("HS_COMPILER_ERROR", "HS_NOMEM", "HS_INVALID", "HS_DB_MODE_ERROR", ...),
// "CLOSED" for use after close(), or "ADDON_LOAD_FAILED" / "PLATFORM_UNSUPPORTED" from loading.

export interface HyperscanErrorOptions {
  readonly expressionIndex?: number | undefined;
  readonly cause?: unknown;
}

export class HyperscanError extends Error {
  override readonly name = "HyperscanError";
  readonly code: string;
  /** For compile errors: index into the input array of the failing expression. */
  readonly expressionIndex: number | undefined;

  constructor(code: string, message: string, options: HyperscanErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.expressionIndex = options.expressionIndex;
  }
}

/**
 * Converts an error thrown by the native addon (an Error with a string `code`, and
 * `expressionIndex` for compile errors) into a HyperscanError whose message starts with `where`.
 * `describeExpression` names the failing expression (e.g. "expression 3 (id 42)").
 * Errors without a code (TypeErrors for wrong argument types) pass through unchanged.
 */
export function fromNative(
  error: unknown,
  where: string,
  describeExpression?: (index: number) => string,
): Error {
  if (!(error instanceof Error)) {
    return new HyperscanError("HS_UNKNOWN_ERROR", `${where}: ${String(error)}`, { cause: error });
  }
  if (error instanceof HyperscanError) return error;
  const code = "code" in error ? error.code : undefined;
  if (typeof code !== "string") return error;
  const rawIndex = "expressionIndex" in error ? error.expressionIndex : undefined;
  const expressionIndex = typeof rawIndex === "number" && rawIndex >= 0 ? rawIndex : undefined;
  const at =
    expressionIndex === undefined
      ? ""
      : ` ${describeExpression?.(expressionIndex) ?? `expression ${expressionIndex}`}:`;
  return new HyperscanError(code, `${where}:${at} ${error.message}`, {
    expressionIndex,
    cause: error,
  });
}
