/**
 * The transform registry: CRS `t:` names to factories of streaming transforms (one
 * implementation per file). Each factory call returns a fresh transform with its own carry, so
 * one is needed per value stream. Unknown names are refused here; the signature loader should
 * check `isTransformName` first and report the signature as skipped with the reason.
 */
import type { Transform } from "../types.js";
import { base64Decode } from "./base64-decode.js";
import { cmdLine } from "./cmd-line.js";
import { compressWhitespace } from "./compress-whitespace.js";
import { cssDecode } from "./css-decode.js";
import { htmlEntityDecode } from "./html-entity-decode.js";
import { jsDecode } from "./js-decode.js";
import { lowercase } from "./lowercase.js";
import { normalizePath } from "./normalize-path.js";
import { normalizePathWin } from "./normalize-path-win.js";
import { removeNulls } from "./remove-nulls.js";
import { removeWhitespace } from "./remove-whitespace.js";
import { replaceComments } from "./replace-comments.js";
import { urlDecodeUni } from "./url-decode-uni.js";
import { utf8toUnicode } from "./utf8-to-unicode.js";

export type TransformFactory = () => Transform;

export const TRANSFORMS: ReadonlyMap<string, TransformFactory> = new Map([
  ["lowercase", lowercase],
  ["urlDecodeUni", urlDecodeUni],
  ["htmlEntityDecode", htmlEntityDecode],
  ["removeNulls", removeNulls],
  ["compressWhitespace", compressWhitespace],
  ["replaceComments", replaceComments],
  ["removeWhitespace", removeWhitespace],
  ["jsDecode", jsDecode],
  ["cssDecode", cssDecode],
  ["cmdLine", cmdLine],
  ["normalizePath", normalizePath],
  ["normalizePathWin", normalizePathWin],
  ["utf8toUnicode", utf8toUnicode],
  ["base64Decode", base64Decode],
]);

export function isTransformName(name: string): boolean {
  return TRANSFORMS.has(name);
}

/** A new transform for the CRS name; throws for a name that is not in the registry. */
export function createTransform(name: string): Transform {
  const factory = TRANSFORMS.get(name);
  if (factory === undefined) {
    const known = [...TRANSFORMS.keys()].join(", ");
    throw new Error(`unknown transform "${name}": weir supports ${known}`);
  }
  return factory();
}
