// Why this exists: finds and loads build/Release/hyperscan.node once, relative to this package
// (the facade runs as dist/*.js, and as src/*.ts under vitest; both are one level below the
// package root). On failure it throws ONE HyperscanError that says what to do.

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { HyperscanError } from "./errors.js";
import { explainLoadFailure, explainStaleAddon, UNSUPPORTED_PLATFORM } from "./load-failure.js";
import { NATIVE_DATABASE_STATICS, NATIVE_FUNCTIONS, type NativeAddon } from "./native.js";

export const addonPath = fileURLToPath(new URL("../build/Release/hyperscan.node", import.meta.url));

function loadAddon(): NativeAddon {
  const require = createRequire(import.meta.url);
  let loaded: unknown;
  try {
    loaded = require(addonPath);
  } catch (error: unknown) {
    throw new HyperscanError("ADDON_LOAD_FAILED", explainLoadFailure(error, addonPath), {
      cause: error,
    });
  }
  const missing = missingExports(loaded);
  if (missing.length > 0) {
    throw new HyperscanError("ADDON_LOAD_FAILED", explainStaleAddon(missing, addonPath));
  }
  const addon = loaded as NativeAddon;
  if (!addon.validPlatform())
    throw new HyperscanError("PLATFORM_UNSUPPORTED", UNSUPPORTED_PLATFORM);
  return addon;
}

function missingExports(loaded: unknown): string[] {
  if (typeof loaded !== "object" || loaded === null) return ["everything"];
  const record = loaded as Record<string, unknown>;
  const missing: string[] = NATIVE_FUNCTIONS.filter((name) => typeof record[name] !== "function");
  const database = record.Database as Record<string, unknown> | undefined;
  for (const name of NATIVE_DATABASE_STATICS) {
    if (typeof database?.[name] !== "function") missing.push(`Database.${name}`);
  }
  return missing;
}

export const addon: NativeAddon = loadAddon();
