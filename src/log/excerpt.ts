/**
 * Masking of match excerpts before they reach the security event log (DESIGN I8: payload bytes
 * leave weir only when the operator turns excerpts on, and then with secrets and personal data
 * masked). An excerpt is at most EXCERPT_BEFORE + EXCERPT_AFTER bytes (inspect/match-collector),
 * so the expressions below run on a few dozen characters; attacker bytes of any length are
 * never matched here (I5).
 *
 * Rules, in order:
 * 1. A value of a sensitive field (a field, header or cookie named like password, secret,
 *    token, api key, authorization, cookie, session, credential, private key) is not shown at
 *    all: `[masked]`.
 * 2. Inside the text: `name=value` / `"name": "value"` pairs with such names keep the name and
 *    mask the value (raw bodies, query strings); JSON Web Tokens become `[jwt]`; Bearer and
 *    Basic credentials `Bearer [token]`; e-mail addresses `[email]`; 13-19 digit numbers that
 *    pass the Luhn check `[card]`, other digit runs of 12 or more `[number]`; hex runs of 32+
 *    characters `[hex]` and base64 or base64url runs of 24+ characters `[secret]`, both only
 *    when they mix letters and digits (a run of one letter is padding in an attack, not a key).
 * 3. Control characters become `?`; the result is cut to MAX_EXCERPT_CHARS with `…`.
 */
import type { Target } from "../inspect/types.js";

export const MAX_EXCERPT_CHARS = 96;

const SENSITIVE_NAME =
  /pass(?:word|wd|phrase)?|pwd|secret|token|api[-_]?key|apikey|authori[sz]ation|auth(?!or)|cookie|session|sessid|credential|private[-_]?key|(?:^|[-_.])(?:otp|pin|ssn|cvv|cvc)(?:$|[-_.])/i;

const PAIR =
  /((?:pass(?:word|wd|phrase)?|pwd|secret|token|api[-_]?key|apikey|auth[a-z_]*|session|credential)["']?\s*[:=]\s*["']?)([^&\s"',;}]+)/gi;
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const DIGIT_RUN = /\d(?:[ -]?\d){11,}/g;
const HEX = /\b[0-9a-fA-F]{32,}\b/g;
const BASE64 = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** True when values of this field must never be shown (rule 1). */
export function isSensitiveField(target: Target, field: string): boolean {
  if (target === "request_cookies") return true;
  return field.length > 0 && SENSITIVE_NAME.test(field);
}

/** The excerpt as the event log shows it. */
export function maskExcerpt(bytes: Uint8Array, target: Target, field: string): string {
  if (isSensitiveField(target, field)) return "[masked]";
  let text = utf8.decode(bytes).replace(CONTROL, "?");
  text = text.replace(PAIR, (_all, name: string) => `${name}[masked]`);
  text = text.replace(JWT, "[jwt]");
  text = text.replace(BEARER, (_all, scheme: string) => `${scheme} [token]`);
  text = text.replace(EMAIL, "[email]");
  text = text.replace(DIGIT_RUN, (run) => (isCardNumber(run) ? "[card]" : "[number]"));
  text = text.replace(HEX, (run) => (mixed(run) ? "[hex]" : run));
  text = text.replace(BASE64, (run) => (mixed(run) ? "[secret]" : run));
  return text.length > MAX_EXCERPT_CHARS ? `${text.slice(0, MAX_EXCERPT_CHARS - 1)}…` : text;
}

function mixed(run: string): boolean {
  return /\d/.test(run) && /[A-Za-z]/.test(run);
}

/** 13 to 19 digits (separators ignored) with a valid Luhn check digit. */
export function isCardNumber(run: string): boolean {
  const digits = run.replace(/[ -]/g, "");
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
