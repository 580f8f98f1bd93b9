/**
 * Byte values in fixtures. A spec is a UTF-8 string, `{ "base64": ... }`, `{ "repeat": s,
 * "times": n }` (s repeated n times) or an array of specs to concatenate. Decoded bytes are
 * compared as `show()` strings so a failing test prints readable text, or hex where the bytes
 * are not UTF-8.
 */
export type ByteSpec =
  | string
  | { readonly base64: string }
  | { readonly repeat: string; readonly times: number }
  | readonly ByteSpec[];

const encoder = new TextEncoder();
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function bytesOf(spec: ByteSpec): Uint8Array {
  if (typeof spec === "string") return encoder.encode(spec);
  if (Array.isArray(spec)) return Buffer.concat(spec.map((part: ByteSpec) => bytesOf(part)));
  if ("base64" in spec) return new Uint8Array(Buffer.from(spec.base64, "base64"));
  if ("repeat" in spec) return encoder.encode(spec.repeat.repeat(spec.times));
  throw new Error(`not a byte spec: ${JSON.stringify(spec)}`);
}

/** A string spec for names: same forms, decoded as UTF-8. */
export function textOf(spec: ByteSpec): string {
  return new TextDecoder().decode(bytesOf(spec));
}

/** Readable form of bytes: the text if they are valid UTF-8, else `hex:` and the bytes. */
export function show(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return `hex:${Buffer.from(bytes).toString("hex")}`;
  }
}
