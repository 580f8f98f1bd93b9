/**
 * Which uploaded content attack signatures skip (the binary-upload policy). Random bytes match
 * short patterns by chance: a 5 MB zip upload was blocked. Policy:
 *
 * - A multipart FILE part (one with a file name) whose part Content-Type is a binary media type
 *   (BINARY_TYPES, image/*, audio/*, video/*, font/*; never image/svg+xml, which is XML and can
 *   carry script) has its content skipped by signatures. So has a file part without a
 *   Content-Type whose first SNIFF_BYTES hold a NUL or invalid UTF-8. Its name, file names and
 *   part headers are still inspected, and the decoder still checks the framing.
 * - The raw `request_body` scan is skipped for a body declared as a binary type, unless the
 *   sniffer finds structure in it (JSON, form, multipart), and for a declared multipart body
 *   (its parts are inspected as fields; as in ModSecurity, REQUEST_BODY is not populated for
 *   multipart bodies).
 * Skipped bytes are counted apart (RequestInspector.bytesSkipped); bytesInspected stays the
 * count of bytes admitted under the inspection limit, as metrics and shared case 10 read it.
 *
 * The trade-off is evasion: a client that declares application/zip for a PHP payload gets it
 * past content signatures. The file name is still checked (restricted extensions), and CRS does
 * not inspect FILES content by default either; an application that serves uploads back must
 * check their type itself.
 */

/** Bytes of a file part without a Content-Type that decide whether it is text. */
export const SNIFF_BYTES = 512;

const BINARY_TYPES: ReadonlySet<string> = new Set([
  "application/octet-stream",
  "application/zip",
  "application/x-zip-compressed",
  "application/pdf",
  "application/gzip",
  "application/x-gzip",
]);
const BINARY_FAMILIES = /^(?:image|audio|video|font)\//;

/** True for a media type (lower-case `type/subtype`) whose content signatures skip. */
export function isBinaryMediaType(type: string): boolean {
  if (BINARY_TYPES.has(type)) return true;
  return BINARY_FAMILIES.test(type) && type !== "image/svg+xml";
}

/**
 * True when the start of a file holds a NUL or is not well-formed UTF-8. `complete` says the
 * file ends here; otherwise a multi-byte sequence cut by the end of the window is not an error.
 */
export function looksBinary(bytes: Uint8Array, complete: boolean): boolean {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b === 0) return true;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else return true;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return complete;
      const c = bytes[i + k] as number;
      if (c < (k === 1 ? lower : 0x80) || c > (k === 1 ? upper : 0xbf)) return true;
    }
    i += need + 1;
  }
  return false;
}
