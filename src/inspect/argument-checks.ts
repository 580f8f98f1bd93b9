/**
 * Protocol-enforcement checks on decoded argument values, run on the bytes as they stream past
 * (CRS applies these to ARGS and ARGS_NAMES at paranoia 1):
 * - a NUL byte (CRS 920270): engines that keep values as C strings stop there and never see
 *   what follows (shared case 30); the value itself is still scanned whole;
 * - an overlong UTF-8 form (CRS 920250): C0 AE is "." and C0 AF is "/" to a lenient decoder
 *   (shared case 25). Only overlong forms are flagged, not every invalid byte: forms posted in
 *   Latin-1 carry bytes such as E9 that are not UTF-8 but are not evasions either.
 * Multipart file contents are not arguments (CRS reads them as FILES) and are not checked.
 */

export type ArgumentAnomaly = "argument_nul" | "argument_overlong_utf8";

export class ArgumentChecks {
  /** The previous byte of the value (0 at its start): an overlong form spans two bytes. */
  private previous = 0;

  /** A new value starts. */
  reset(): void {
    this.previous = 0;
  }

  /** The first anomaly in `bytes` (given the value so far), or undefined. */
  check(bytes: Uint8Array): ArgumentAnomaly | undefined {
    let previous = this.previous;
    let found: ArgumentAnomaly | undefined;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (b === 0) {
        found = "argument_nul";
        break;
      }
      if (b >= 0x80 && b <= 0xbf && isOverlong(previous, b)) {
        found = "argument_overlong_utf8";
        break;
      }
      previous = b;
    }
    this.previous = bytes.length > 0 ? (bytes[bytes.length - 1] as number) : previous;
    return found;
  }
}

/**
 * True when lead byte `lead` followed by continuation byte `next` can only start an overlong
 * form: C0 and C1 (two-byte forms of ASCII), E0 80-9F (three-byte forms below U+0800), F0 80-8F
 * (four-byte forms below U+10000).
 */
function isOverlong(lead: number, next: number): boolean {
  if (lead === 0xc0 || lead === 0xc1) return true;
  if (lead === 0xe0) return next <= 0x9f;
  if (lead === 0xf0) return next <= 0x8f;
  return false;
}
