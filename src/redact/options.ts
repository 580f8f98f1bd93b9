/**
 * How a redacted match is written into the response body: a mask of the same length (every
 * byte replaced by one mask character, so lengths and offsets are kept) or a fixed token (each
 * run of redacted bytes replaced by the token once, so not even the length leaks). A signature
 * names its style (`redact: mask` / `redact: token`) or takes the configured default
 * (`redact: true`). Tokens and masks are printable ASCII: they end up in bodies of any type.
 */

export const REDACT_STYLES = ["mask", "token"] as const;
export type RedactStyle = (typeof REDACT_STYLES)[number];

/** What a signature file asks for: a style, or "default" for the configured one. */
export type RedactChoice = RedactStyle | "default";

export interface RedactionOptions {
  /** Style of signatures that say `redact: true`. */
  readonly defaultStyle: RedactStyle;
  /** The byte each masked byte becomes. */
  readonly mask: number;
  /** The bytes each run of token-redacted bytes becomes. */
  readonly token: Uint8Array;
}

export interface RedactionSettings {
  readonly defaultStyle?: string;
  readonly mask?: string;
  readonly token?: string;
}

export const DEFAULT_MASK = "*";
export const DEFAULT_TOKEN = "[REDACTED]";
export const MAX_TOKEN_BYTES = 64;

export const DEFAULT_REDACTION: RedactionOptions = {
  defaultStyle: "mask",
  mask: DEFAULT_MASK.charCodeAt(0),
  token: new TextEncoder().encode(DEFAULT_TOKEN),
};

export function isRedactStyle(value: unknown): value is RedactStyle {
  return (REDACT_STYLES as readonly unknown[]).includes(value);
}

/** Checks settings from configuration; a bad value throws naming the setting and the rule. */
export function redactionOptions(settings: RedactionSettings = {}): RedactionOptions {
  const style = settings.defaultStyle ?? DEFAULT_REDACTION.defaultStyle;
  if (!isRedactStyle(style)) {
    throw new Error(
      `redaction default style ${JSON.stringify(style)} is not valid: expected ${REDACT_STYLES.join(" or ")}`,
    );
  }
  const mask = settings.mask ?? DEFAULT_MASK;
  if (mask.length !== 1 || !printable(mask)) {
    throw new Error(
      `redaction mask ${JSON.stringify(mask)} is not valid: expected one printable ASCII character`,
    );
  }
  const token = settings.token ?? DEFAULT_TOKEN;
  if (token.length === 0 || token.length > MAX_TOKEN_BYTES || !printable(token)) {
    throw new Error(
      `redaction token ${JSON.stringify(token)} is not valid: expected 1 to ${MAX_TOKEN_BYTES} printable ASCII characters`,
    );
  }
  return {
    defaultStyle: style,
    mask: mask.charCodeAt(0),
    token: new TextEncoder().encode(token),
  };
}

/** The style a signature's choice resolves to. */
export function styleOf(choice: RedactChoice, options: RedactionOptions): RedactStyle {
  return choice === "default" ? options.defaultStyle : choice;
}

function printable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}
