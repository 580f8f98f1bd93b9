/**
 * On-disk cache of compiled Hyperscan databases. Compiling a full signature set takes seconds;
 * deserializing it takes milliseconds, so a restart, a scaled-out replica or a test run with
 * an unchanged set starts at once. The key is a hash of everything that determines the
 * database (mode, every expression with its id and flags) plus the library version, so any
 * change to a signature, the paranoia level or Hyperscan itself misses and recompiles.
 * The cache is an optimisation only: an unreadable, corrupt or unwritable entry is ignored
 * (and reported through `onError`), never fatal.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Database, type ExpressionSpec, type Mode, version } from "hyperscan-js";

/** Bump when the way expressions are laid out in a database changes. */
const LAYOUT_VERSION = 1;

export interface DatabaseCache {
  get(key: string): Database | undefined;
  put(key: string, db: Database): void;
}

export function cacheKey(mode: Mode, expressions: readonly ExpressionSpec[]): string {
  const hash = createHash("sha256");
  hash.update(`weir-db/${LAYOUT_VERSION}/${version()}/${mode}\n`);
  for (const e of expressions) hash.update(`${e.id}\t${(e.flags ?? []).join(",")}\t${e.pattern}\n`);
  return hash.digest("hex");
}

export function directoryCache(
  dir: string,
  onError: (what: string, error: unknown) => void = () => {},
): DatabaseCache {
  return {
    get(key) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(dir, `${key}.hsdb`));
      } catch {
        return undefined;
      }
      try {
        return Database.deserialize(bytes);
      } catch (error: unknown) {
        onError(`corrupt cached database ${key}.hsdb`, error);
        return undefined;
      }
    },
    put(key, db) {
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = join(dir, `${key}.${process.pid}.tmp`);
        writeFileSync(tmp, db.serialize());
        renameSync(tmp, join(dir, `${key}.hsdb`));
      } catch (error: unknown) {
        onError(`cannot write the database cache in ${dir}`, error);
      }
    },
  };
}
