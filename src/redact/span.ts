/**
 * Which bytes of a match a redaction replaces. By default all of them; with `redact_after`
 * only those after the last delimiter inside the match, so a pattern can anchor on a key
 * name (`"SecretAccessKey": "`) and replace only the value, keeping the document valid.
 */

/**
 * Start (absolute) of the replaced part of the match [from, to); `bytes[0]` is at absolute
 * offset `base`, and bytes before `base` are not consulted. Returns `to` when nothing remains.
 */
export function redactedStart(
  bytes: Uint8Array,
  base: number,
  from: number,
  to: number,
  delimiters: Uint8Array,
): number {
  if (delimiters.length === 0) return from;
  for (let k = to - 1; k >= from && k >= base; k--) {
    if (delimiters.includes(bytes[k - base] ?? -1)) return k + 1;
  }
  return from;
}
