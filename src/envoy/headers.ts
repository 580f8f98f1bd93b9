/**
 * Envoy header-map operations on a HeaderList (wire order, lower-case names, byte-string values),
 * and the conversion to the `HeaderMap` proto Envoy sends (values in `raw_value` only, §2.B-1).
 */
import { create } from "@bufbuild/protobuf";
import {
  type HeaderMap,
  HeaderMapSchema,
  HeaderValueSchema,
} from "../gen/envoy/config/core/v3/base_pb.js";
import type { HeaderList } from "./types.js";

export function getHeader(headers: HeaderList, name: string): string | undefined {
  for (const [key, value] of headers) if (key === name) return value;
  return undefined;
}

export function hasHeader(headers: HeaderList, name: string): boolean {
  return headers.some(([key]) => key === name);
}

/** Removes every entry with this name, in place. */
export function removeHeader(headers: HeaderList, name: string): void {
  for (let i = headers.length - 1; i >= 0; i--) {
    if (headers[i]?.[0] === name) headers.splice(i, 1);
  }
}

/**
 * Adds one entry. Like Envoy's header map, pseudo-headers stay ahead of ordinary headers: a new
 * pseudo-header goes after the last existing one, anything else at the end.
 */
export function addHeader(headers: HeaderList, name: string, value: string): void {
  if (!name.startsWith(":")) {
    headers.push([name, value]);
    return;
  }
  let at = 0;
  while (at < headers.length && headers[at]?.[0].startsWith(":")) at++;
  headers.splice(at, 0, [name, value]);
}

/** Envoy's setCopy: drop every existing value, then add this one. */
export function setHeader(headers: HeaderList, name: string, value: string): void {
  removeHeader(headers, name);
  addHeader(headers, name, value);
}

/** Bytes of names and values, as Envoy's `byteSize()` counts them. */
export function headerBytes(headers: HeaderList): number {
  let total = 0;
  for (const [key, value] of headers) total += key.length + value.length;
  return total;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/;
const PSEUDO = /^:[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** HeaderUtility::headerNameIsValid: HTTP/1 token rules (any case); pseudo-headers lower-case. */
export function isValidHeaderName(name: string): boolean {
  return name.startsWith(":") ? PSEUDO.test(name) : TOKEN.test(name);
}

/** HeaderUtility::headerValueIsValid: no NUL, CR or LF, and bytes only. */
export function isValidHeaderValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code === 0x0a || code === 0x0d || code > 0xff) return false;
  }
  return true;
}

export function byteStringToBytes(value: string): Uint8Array {
  return Buffer.from(value, "latin1");
}

export function bytesToByteString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** UTF-8 text (e.g. from a JSON test case) as the byte string Envoy would carry. */
export function utf8ToByteString(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

/** Envoy's headersToProto: every entry in order, `raw_value` only. */
export function toHeaderMap(headers: HeaderList): HeaderMap {
  return create(HeaderMapSchema, {
    headers: headers.map(([key, value]) =>
      create(HeaderValueSchema, { key, rawValue: byteStringToBytes(value) }),
    ),
  });
}

/** The reverse, reading `raw_value` only (as Envoy does since 1.32). */
export function fromHeaderMap(map: HeaderMap | undefined): HeaderList {
  return (map?.headers ?? []).map((h) => [h.key, bytesToByteString(h.rawValue)]);
}

export function cloneHeaders(headers: HeaderList): HeaderList {
  return headers.map(([key, value]) => [key, value]);
}
