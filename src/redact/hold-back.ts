/**
 * The bounded tail of a response body that weir holds back while it looks for matches to
 * redact. Hyperscan reports a match when its last byte has been scanned (one byte later for a
 * trailing `\b` or `$`), so once E bytes are scanned, every match still to come ends at or after
 * E and starts at or after E - W, W being the widest redactable match. Bytes before E - W can
 * never be touched again: they are released (rewritten), and only the last W stay. This is
 * what makes redaction independent of how the body is cut into chunks, and per-stream memory
 * bounded whatever the body size: W held bytes plus one mark per held byte.
 *
 * Each body piece is processed in a work area shared by every stream of the process (the
 * processing is synchronous, so no two pieces ever use it at once): the held tail is copied in
 * front of the piece, matches mark bytes, the releasable prefix is written out, the new tail is
 * copied back. Pieces are at most PIECE_BYTES long, so the work area is bounded too.
 */

/** Widest match a redacting or validating signature may have (signatures/validate.ts). */
export const MAX_HOLD_BACK_BYTES = 8192;

/** Longest piece of a body chunk processed at once. */
export const PIECE_BYTES = 64 * 1024;

const WORK_BYTES = MAX_HOLD_BACK_BYTES + PIECE_BYTES;
const workBytes = new Uint8Array(WORK_BYTES);
/** Per byte: 0, or the index + 1 of the redacting member that owns it. */
const workMarks = new Uint16Array(WORK_BYTES);

/** The held tail plus one piece, in the shared work area, with absolute body offsets. */
export interface Window {
  /** Absolute offset of bytes[0]. */
  readonly base: number;
  /** Absolute offset just past the last byte. */
  readonly end: number;
  readonly bytes: Uint8Array;
  readonly marks: Uint16Array;
}

/** Writes the released bytes of a window; `count` of them from index 0. */
export type Release = (window: Window, count: number) => void;

export class HoldBack {
  readonly #bytes: Uint8Array;
  readonly #marks: Uint16Array;
  #held = 0;
  #end = 0;
  #open = false;

  constructor(readonly width: number) {
    if (!Number.isInteger(width) || width < 0 || width > MAX_HOLD_BACK_BYTES) {
      throw new Error(`hold-back width ${width} is outside [0, ${MAX_HOLD_BACK_BYTES}]`);
    }
    this.#bytes = new Uint8Array(width);
    this.#marks = new Uint16Array(width);
  }

  /** Absolute offset just past the last byte taken in. */
  get end(): number {
    return this.#end;
  }

  /** Bytes held now (at most `width`). */
  get held(): number {
    return this.#held;
  }

  /** Puts the held tail and `piece` (at most PIECE_BYTES) side by side in the work area. */
  open(piece: Uint8Array): Window {
    if (this.#open) throw new Error("hold-back window opened twice");
    if (piece.length > PIECE_BYTES) {
      throw new Error(`piece of ${piece.length} bytes is longer than ${PIECE_BYTES}`);
    }
    this.#open = true;
    const held = this.#held;
    workBytes.set(this.#bytes.subarray(0, held), 0);
    workMarks.set(this.#marks.subarray(0, held), 0);
    workBytes.set(piece, held);
    workMarks.fill(0, held, held + piece.length);
    this.#end += piece.length;
    const count = held + piece.length;
    return {
      base: this.#end - count,
      end: this.#end,
      bytes: workBytes.subarray(0, count),
      marks: workMarks.subarray(0, count),
    };
  }

  /**
   * Releases what no later match can touch (everything when `final`) through `release`, and
   * keeps the rest as the new tail.
   */
  close(window: Window, final: boolean, release: Release | null): void {
    if (!this.#open) throw new Error("hold-back window closed without being opened");
    this.#open = false;
    const count = window.bytes.length;
    const keep = final ? 0 : Math.min(this.width, count);
    const released = count - keep;
    if (released > 0) release?.(window, released);
    this.#bytes.set(window.bytes.subarray(released, count), 0);
    this.#marks.set(window.marks.subarray(released, count), 0);
    this.#held = keep;
  }
}
