/**
 * The compiled groups of an engine, indexed by target, so an inspector finds the databases for
 * a value in one lookup.
 */
import type { SignatureGroup } from "../signatures/compile.js";
import type { Target } from "./types.js";

export type GroupIndex = ReadonlyMap<Target, readonly SignatureGroup[]>;

export function indexGroups(groups: readonly SignatureGroup[]): GroupIndex {
  const index = new Map<Target, SignatureGroup[]>();
  for (const group of groups) {
    const list = index.get(group.target);
    if (list === undefined) index.set(group.target, [group]);
    else list.push(group);
  }
  return index;
}

export function groupsFor(index: GroupIndex, target: Target): readonly SignatureGroup[] {
  return index.get(target) ?? NONE;
}

const NONE: readonly SignatureGroup[] = [];
