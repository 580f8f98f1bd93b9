/**
 * Checks a signature can ask for before a hit counts (`validate:` in a signature file): the
 * pattern finds candidates, the check confirms them. A card-number pattern alone fires on
 * order numbers and timestamps; with the Luhn check only about one random digit run in ten
 * passes, and real card numbers always do. Each check reads only the matched bytes, so its
 * cost is bounded by the pattern's maximum width.
 */

export const VALIDATORS = ["luhn"] as const;
export type ValidatorName = (typeof VALIDATORS)[number];

export function isValidatorName(value: unknown): value is ValidatorName {
  return (VALIDATORS as readonly unknown[]).includes(value);
}

/** Digits a payment card number has (ISO/IEC 7812: 13 to 19). */
const MIN_PAN_DIGITS = 13;
const MAX_PAN_DIGITS = 19;

const ZERO = 0x30;
const NINE = 0x39;

/**
 * The Luhn (mod 10) check over the digits of `bytes[from, to)`: other bytes (separators, the
 * context a pattern anchors on) are skipped, and the digit count must be that of a card number.
 */
export function luhnValid(bytes: Uint8Array, from: number, to: number): boolean {
  let sum = 0;
  let digits = 0;
  for (let i = to - 1; i >= from; i--) {
    const byte = bytes[i] ?? 0;
    if (byte < ZERO || byte > NINE) continue;
    let digit = byte - ZERO;
    if (digits % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    digits++;
  }
  return digits >= MIN_PAN_DIGITS && digits <= MAX_PAN_DIGITS && sum % 10 === 0;
}

/** Runs the named check on `bytes[from, to)`. */
export function validates(
  name: ValidatorName,
  bytes: Uint8Array,
  from: number,
  to: number,
): boolean {
  switch (name) {
    case "luhn":
      return luhnValid(bytes, from, to);
    default:
      return assertNever(name);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown validator ${String(value)}`);
}
