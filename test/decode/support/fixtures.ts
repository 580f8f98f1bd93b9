/** Loads JSON fixtures from test/fixtures/decode/. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/decode/", import.meta.url));

export function loadFixture<T>(relative: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, relative), "utf8")) as T;
}

/** The `.json` files of a fixture folder, sorted. */
export function fixtureFiles(folder: string): string[] {
  return readdirSync(join(FIXTURES, folder))
    .filter((name) => name.endsWith(".json"))
    .sort();
}
