/**
 * The compiled groups of an engine, indexed by target and scan mode, so an inspector finds
 * the databases for a value in one lookup.
 */
import type { SignatureGroup } from "../signatures/compile.js";
import type { Target } from "./types.js";

export interface GroupIndex {
  /** Groups with a block database and at least one member on the target. */
  readonly block: ReadonlyMap<Target, readonly SignatureGroup[]>;
  /** Groups with a stream database and at least one member on the target. */
  readonly stream: ReadonlyMap<Target, readonly SignatureGroup[]>;
}

export function indexGroups(groups: readonly SignatureGroup[]): GroupIndex {
  const block = new Map<Target, SignatureGroup[]>();
  const stream = new Map<Target, SignatureGroup[]>();
  for (const group of groups) {
    for (const target of group.targets) {
      if (group.block !== undefined) add(block, target, group);
      if (group.stream !== undefined) add(stream, target, group);
    }
  }
  return { block, stream };
}

function add(map: Map<Target, SignatureGroup[]>, target: Target, group: SignatureGroup): void {
  const list = map.get(target);
  if (list === undefined) map.set(target, [group]);
  else list.push(group);
}

export function groupsFor(
  map: ReadonlyMap<Target, readonly SignatureGroup[]>,
  target: Target,
): readonly SignatureGroup[] {
  return map.get(target) ?? NONE;
}

const NONE: readonly SignatureGroup[] = [];
