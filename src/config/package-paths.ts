/**
 * Paths inside the installed weir package, found from this file's own location, never from
 * the working directory: `weir serve` run from any folder (or through npx) still finds the
 * built-in signatures. This file sits two levels below the package root both as source
 * (src/config/) and as build output (dist/config/).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The signature set that ships with weir: the package's signatures/ folder. */
export const BUILTIN_SIGNATURES_DIR: string = fileURLToPath(
  new URL("../../signatures/", import.meta.url),
);

/** The package version, read from package.json. */
export function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  const version = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== "string")
    throw new Error(`package.json in ${PACKAGE_ROOT} has no version`);
  return version;
}
