// Why this exists: the first failure anyone hits with a native addon is loading it (missing
// libhs, addon never built, built against another library). This turns the raw loader error
// into one sentence saying what went wrong and what to do.

const REBUILD = "rebuild with `npm rebuild hyperscan-js`";
const BUILD_NEEDS = "needs g++, make, python3, pkg-config and libvectorscan-dev";

/** Explains why `require(addonPath)` failed; `error` is what it threw. */
export function explainLoadFailure(error: unknown, addonPath: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code =
    error instanceof Error && "code" in error && typeof error.code === "string"
      ? error.code
      : undefined;
  const firstLine = message.split("\n", 1)[0] ?? message;

  const missingLibrary = /(lib[\w+-]*\.so[\w.]*): cannot open shared object file/.exec(message);
  if (missingLibrary?.[1]?.startsWith("libhs") === true) {
    return (
      `${missingLibrary[1]} not found: install Debian's libvectorscan5 ` +
      `(apt-get install libvectorscan5, or libvectorscan-dev to build) and ${REBUILD}`
    );
  }
  if (missingLibrary !== null) {
    return `hyperscan addon could not load a shared library it needs (${firstLine}); install it and ${REBUILD}`;
  }
  if (code === "MODULE_NOT_FOUND" || /Cannot find module/.test(message)) {
    return `addon not built (${addonPath} is missing): run \`npm rebuild hyperscan-js\` (${BUILD_NEEDS})`;
  }
  if (/undefined symbol/.test(message)) {
    return `addon does not match the installed libhs (${firstLine}): ${REBUILD} (${BUILD_NEEDS})`;
  }
  if (/ELF|wrong ELF class|invalid ELF header/.test(message)) {
    return `addon at ${addonPath} was built for another platform (${firstLine}): ${REBUILD}`;
  }
  return `could not load ${addonPath} (${firstLine}): ${REBUILD} (${BUILD_NEEDS})`;
}

/** Explains an addon that loaded but lacks functions this facade calls (a stale build). */
export function explainStaleAddon(missing: readonly string[], addonPath: string): string {
  return `addon at ${addonPath} is out of date (missing ${missing.join(", ")}): ${REBUILD}`;
}

export const UNSUPPORTED_PLATFORM =
  "hs_valid_platform() failed: this CPU lacks the instructions the installed Hyperscan " +
  "(Vectorscan) build needs (SSE4.2/SSSE3 on x86-64); run on a supported CPU";
