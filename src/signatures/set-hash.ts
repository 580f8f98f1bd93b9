/**
 * The identity of a signature set: sha256 over the files that were loaded, sorted by file
 * name, each framed by its name and length and with CRLF line ends folded to LF (so a
 * checkout on Windows hashes the same). Reported by the engine and in metrics, it tells which
 * set a running process matches with.
 */
import { createHash } from "node:crypto";

export interface HashedFile {
  /** File name without directory: moving the set elsewhere keeps its hash. */
  readonly name: string;
  readonly text: string;
}

export function hashSignatureFiles(files: readonly HashedFile[]): string {
  const hash = createHash("sha256");
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const file of sorted) {
    const body = Buffer.from(file.text.replace(/\r\n/g, "\n"), "utf8");
    hash.update(`${file.name}\n${body.length}\n`);
    hash.update(body);
  }
  return hash.digest("hex");
}
