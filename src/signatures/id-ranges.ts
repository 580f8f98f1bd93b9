/**
 * Signature ids are stable numbers that metrics, security events and exclusions refer to, so
 * each family owns a block of 1000 and the loader refuses an id outside its family's block.
 * Within a block, xxx000-xxx499 are for the built-in set and xxx500-xxx999 for signatures an
 * operator adds locally, so an upgrade never takes an id that is already in use.
 */
import type { Family } from "../inspect/types.js";

export interface IdRange {
  readonly first: number;
  readonly last: number;
}

function block(start: number): IdRange {
  return { first: start, last: start + 999 };
}

/**
 * `limits` has no block: limit findings come from budgets and decoders (9xxxxx ids), never
 * from a signature file.
 */
export const FAMILY_ID_RANGES: Readonly<Record<Family, IdRange | undefined>> = {
  sqli: block(100000),
  xss: block(101000),
  rce: block(102000),
  lfi: block(103000),
  rfi: block(104000),
  ssrf: block(105000),
  ssti: block(106000),
  nosqli: block(107000),
  xxe: block(108000),
  deserialization: block(109000),
  jndi: block(110000),
  scanner: block(111000),
  protocol: block(112000),
  leakage: block(113000),
  limits: undefined,
};

/** Offset inside a family block where locally added signatures start (see the file comment). */
export const LOCAL_ID_OFFSET = 500;

export function idRangeOf(family: Family): IdRange | undefined {
  return FAMILY_ID_RANGES[family];
}

export function formatIdRange(range: IdRange): string {
  return `${range.first}-${range.last}`;
}
