/**
 * A streaming UTF-8 well-formedness check (RFC 3629: no overlong forms, no surrogates, nothing
 * past U+10FFFF) that carries a partial sequence across chunks. Bytes are never changed; the
 * caller decides what an invalid sequence means. JSON uses it because RFC 8259 bodies must be
 * UTF-8 and overlong forms such as C0 AE ("." in disguise) are a known evasion (shared case 25).
 */
export class Utf8Validator {
  /** Continuation bytes still expected for the current sequence. */
  private need = 0;
  /** Allowed range of the next continuation byte (narrowed after E0, ED, F0, F4). */
  private lower = 0x80;
  private upper = 0xbf;

  /** True while a multi-byte sequence is open. */
  get inSequence(): boolean {
    return this.need !== 0;
  }

  /**
   * Feeds one byte and returns false if the input is not well-formed at this byte. After a
   * failure the validator resynchronises: a byte that cannot continue a sequence is
   * re-examined as a lead byte.
   */
  byte(b: number): boolean {
    if (this.need !== 0) {
      if (b >= this.lower && b <= this.upper) {
        this.need--;
        this.lower = 0x80;
        this.upper = 0xbf;
        return true;
      }
      this.need = 0;
      this.lower = 0x80;
      this.upper = 0xbf;
      this.lead(b);
      return false;
    }
    return this.lead(b);
  }

  /** The value ends here; false if a sequence was cut short. Resets. */
  end(): boolean {
    const ok = this.need === 0;
    this.reset();
    return ok;
  }

  reset(): void {
    this.need = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
  }

  private lead(b: number): boolean {
    if (b < 0x80) return true;
    if (b >= 0xc2 && b <= 0xdf) {
      this.need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      this.need = 2;
      if (b === 0xe0) this.lower = 0xa0;
      else if (b === 0xed) this.upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      this.need = 3;
      if (b === 0xf0) this.lower = 0x90;
      else if (b === 0xf4) this.upper = 0x8f;
    } else {
      return false;
    }
    return true;
  }
}
