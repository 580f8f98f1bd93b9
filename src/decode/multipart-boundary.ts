/**
 * The boundary of a multipart body, from its parsed Content-Type (RFC 2046 section 5.1.1):
 * 1 to 70 characters from `bchars`, not ending in a space. The parameter name is matched in any
 * case and in any position (shared case 09); its value may be quoted and may contain any word,
 * "boundary" included. A missing, empty or repeated boundary parameter, or one with characters
 * outside `bchars`, is a protocol problem: parsers disagree on such bodies. When the value is
 * still usable (no CR or LF, not absurdly long) the body is decoded with it anyway, so that its
 * fields are inspected even in detect mode.
 */
import type { ContentType } from "./content-type.js";

export interface BoundaryReading {
  /** The boundary to decode with, or undefined when there is none usable. */
  readonly boundary: Uint8Array | undefined;
  /** Why the declared boundary is not valid, or undefined when it is. */
  readonly problem: string | undefined;
}

/** RFC 2046 limit. */
export const MAX_BOUNDARY_LENGTH = 70;
/** Longest invalid boundary still used for decoding. */
const MAX_USABLE_BOUNDARY = 256;

const BCHARS = /^[0-9A-Za-z'()+_,\-./:=? ]+$/;

export function readBoundary(parsed: ContentType): BoundaryReading {
  const value = parsed.params.get("boundary");
  if (value === undefined) {
    return { boundary: undefined, problem: "the multipart Content-Type has no boundary parameter" };
  }
  if (value === "") {
    return { boundary: undefined, problem: "the multipart boundary parameter is empty" };
  }
  const bytes = new Uint8Array(Buffer.from(value, "utf8"));
  const usable = bytes.length <= MAX_USABLE_BOUNDARY && !/[\r\n]/.test(value);
  let problem: string | undefined;
  if (parsed.repeated.includes("boundary")) {
    problem = "the multipart Content-Type has more than one boundary parameter";
  } else if (value.length > MAX_BOUNDARY_LENGTH) {
    problem = `the multipart boundary is longer than ${MAX_BOUNDARY_LENGTH} characters`;
  } else if (!BCHARS.test(value) || value.endsWith(" ")) {
    problem = "the multipart boundary has a character outside RFC 2046 bchars";
  }
  return { boundary: usable ? bytes : undefined, problem };
}
