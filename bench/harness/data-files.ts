/**
 * Data files of benign bodies in bench/.cache/data/, generated once per (kind, body size,
 * count) and reused: the same bytes feed weir in-process and the C baseline from disk.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { type BodyKind, benignBodies } from "./benign-bodies.js";
import { DATA, pathOf } from "./paths.js";

/** Bump when benign-bodies.ts changes what it generates, so stale files are not reused. */
const GENERATOR_VERSION = 1;

export interface DataFile {
  readonly path: string;
  readonly bytes: Buffer;
}

export function bodyFile(kind: BodyKind, bodyBytes: number, count: number): DataFile {
  mkdirSync(pathOf(DATA), { recursive: true });
  const path = pathOf(new URL(`${kind}-${bodyBytes}x${count}-v${GENERATOR_VERSION}.bin`, DATA));
  if (existsSync(path)) {
    const bytes = readFileSync(path);
    if (bytes.length === bodyBytes * count) return { path, bytes };
  }
  const bytes = benignBodies(kind, bodyBytes, count);
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
  return { path, bytes };
}
