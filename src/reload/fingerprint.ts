/**
 * A hash of everything a reload reads from disk: the configuration file, every signature file
 * of every signature directory, the TLS files. A change seen by the file watcher triggers a
 * reload only when this hash differs from the running one's, so the noise of a directory (an
 * editor's swap file, Kubernetes' own bookkeeping, the database cache writing next to the
 * signatures) never recompiles anything. SIGHUP reloads whatever the hash says.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ServeConfig } from "../config/serve-config.js";

const SIGNATURE_FILE = /\.ya?ml$/;

export async function inputFingerprint(config: ServeConfig): Promise<string> {
  const hash = createHash("sha256");
  const add = async (label: string, path: string | undefined) => {
    if (path === undefined) return;
    hash.update(`${label}\0${path}\0`);
    try {
      hash.update(await readFile(path));
    } catch (error: unknown) {
      hash.update(`unreadable:${String((error as { code?: unknown }).code)}`);
    }
    hash.update("\0");
  };
  await add("config", config.configFile);
  for (const dir of config.signaturesDirs) {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => !n.startsWith(".") && SIGNATURE_FILE.test(n));
    } catch (error: unknown) {
      hash.update(`dir\0${dir}\0unreadable:${String((error as { code?: unknown }).code)}\0`);
      continue;
    }
    for (const name of names.sort()) await add("signatures", join(dir, name));
  }
  await add("tls-cert", config.tls?.files.cert);
  await add("tls-key", config.tls?.files.key);
  await add("tls-client-ca", config.tls?.files.clientCa);
  return hash.digest("hex");
}
