/**
 * Finds and builds the ModSecurity peer (shared/tools/modsec-peer: libmodsecurity3 with the
 * OWASP CRS of Debian's modsecurity-crs package), or says precisely what is missing. The peer's
 * source lives outside this repository, next to it (`../shared/tools/modsec-peer`, or the
 * folder named by MODSEC_PEER_DIR); it is compiled into bench/.cache/ and rebuilt when its
 * source changes. Nothing here is needed by weir itself.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CACHE, pathOf, REPO } from "../harness/paths.js";

export interface ModsecPeer {
  readonly binary: string;
  readonly dir: string;
  /** Arguments that load base.conf and the CRS (setup, then every rules file). */
  readonly args: readonly string[];
  readonly version: string;
}

export type PeerLookup =
  | { readonly ok: true; readonly peer: ModsecPeer }
  | { readonly ok: false; readonly skipped: string };

function run(command: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

function debianFile(pkg: string, suffix: string): string | undefined {
  return run("dpkg", ["-L", pkg])
    ?.split("\n")
    .find((line) => line.endsWith(suffix));
}

export function peerDir(): string {
  return process.env.MODSEC_PEER_DIR ?? join(pathOf(REPO), "..", "shared", "tools", "modsec-peer");
}

export function findPeer(): PeerLookup {
  const dir = peerDir();
  const source = join(dir, "modsec-peer.cc");
  if (!existsSync(source)) {
    return {
      ok: false,
      skipped: `skipped: modsec-peer not found at ${dir} (set MODSEC_PEER_DIR to its folder)`,
    };
  }
  const flags = run("pkg-config", ["--cflags", "--libs", "modsecurity"]);
  if (flags === undefined) {
    return {
      ok: false,
      skipped: "skipped: install libmodsecurity-dev (apt-get install -y libmodsecurity-dev)",
    };
  }
  const setup = debianFile("modsecurity-crs", "/crs-setup.conf");
  const rules = debianFile("modsecurity-crs", "/rules");
  if (setup === undefined || rules === undefined) {
    return {
      ok: false,
      skipped: "skipped: install modsecurity-crs (apt-get install -y modsecurity-crs)",
    };
  }
  if (run("python3", ["-c", "import yaml"]) === undefined) {
    return {
      ok: false,
      skipped: "skipped: install python3-yaml (apt-get install -y python3-yaml) for the CRS corpus",
    };
  }
  mkdirSync(pathOf(CACHE), { recursive: true });
  const binary = pathOf(new URL("modsec-peer", CACHE));
  if (!existsSync(binary) || statSync(binary).mtimeMs < statSync(source).mtimeMs) {
    const extra = flags
      .trim()
      .split(/\s+/)
      .filter((f) => f.length > 0);
    execFileSync("g++", ["-std=c++17", "-O2", "-o", binary, source, ...extra], {
      stdio: ["ignore", "inherit", "inherit"],
    });
  }
  const args = ["--crs-setup", setup, "--crs-rules", rules, "--base", join(dir, "base.conf")];
  const version = run("pkg-config", ["--modversion", "modsecurity"])?.trim() ?? "?";
  // dpkg-query's own format syntax, not a template placeholder.
  const format = ["-f=$", "{Version}"].join("");
  const crs = run("dpkg-query", ["-W", format, "modsecurity-crs"])?.trim() ?? "?";
  return {
    ok: true,
    peer: { binary, dir, args, version: `libmodsecurity ${version}, CRS ${crs}` },
  };
}
