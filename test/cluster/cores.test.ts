// The default --workers: the machine's cores, capped by the cgroup CPU quota (cases in
// test/fixtures/cluster/cgroup-cpu.json, read through a fake file reader).
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { availableCores, cgroupCores } from "../../src/cluster/cores.js";

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly cores: number | null;
}

const { cases } = JSON.parse(
  readFileSync(new URL("../fixtures/cluster/cgroup-cpu.json", import.meta.url), "utf8"),
) as { cases: Case[] };

describe("cgroup CPU quota", () => {
  it.each(cases)("$name", ({ files, cores }) => {
    const read = (path: string) => files[path];
    expect(cgroupCores(read) ?? null).toBe(cores);
    const expected =
      cores === null ? availableParallelism() : Math.min(availableParallelism(), cores);
    expect(availableCores(read)).toBe(expected);
  });
});
