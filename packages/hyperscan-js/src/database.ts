// Why this exists: the facade over one compiled Hyperscan database and the scratch space
// allocated for it once at creation. Validation and flag/mode words live here; the C++ side
// only calls Hyperscan.
//
// Thread rule: a Database (and its streams) must be used from the thread that created it; its
// one scratch space is reused by every scan. To use a database in a worker, serialize() it and
// deserialize() the bytes there.
//
// close() while streams are open: the database refuses new work (scan, openStream, serialize,
// info throw CLOSED) but its open streams keep working; the native memory is freed when the last
// of them closes or is collected.

import { fromNative, HyperscanError } from "./errors.js";
import {
  type Flag,
  flagMask,
  type Mode,
  modeBits,
  type SomHorizon,
  usesSomLeftmost,
} from "./flags.js";
import { addon } from "./load-addon.js";
import { type MatchBuffer, matchBufferMemory } from "./match-buffer.js";
import type { NativeDatabase } from "./native.js";
import { type Stream, wrapNativeStream } from "./stream.js";

export interface ExpressionSpec {
  readonly pattern: string;
  readonly id: number;
  readonly flags?: readonly Flag[];
}

/** A pure literal for hs_compile_lit_multi; only caseless, singlematch, somLeftmost apply. */
export interface LiteralSpec {
  readonly literal: Uint8Array | string;
  readonly id: number;
  readonly flags?: readonly Flag[];
}

export interface CompileOptions {
  /** SOM precision for stream databases with somLeftmost expressions; default "large". */
  readonly somHorizon?: SomHorizon;
}

const MAX_ID = 0xffffffff;
const utf8 = new TextEncoder();

export class Database {
  readonly mode: Mode;
  /** hs_database_size. */
  readonly sizeBytes: number;
  /** hs_stream_size; 0 in block mode. */
  readonly streamSizeBytes: number;
  readonly #native: NativeDatabase;

  private constructor(native: NativeDatabase, mode: Mode) {
    this.#native = native;
    this.mode = mode;
    this.sizeBytes = native.sizeBytes();
    this.streamSizeBytes = native.streamSizeBytes();
  }

  static compile(
    expressions: readonly ExpressionSpec[],
    mode: Mode,
    options: CompileOptions = {},
  ): Database {
    const where = "Database.compile";
    const ids = idsOf(expressions, where);
    const flags = new Uint32Array(expressions.length);
    const patterns: string[] = [];
    let usesSom = false;
    expressions.forEach((spec, index) => {
      if (typeof spec.pattern !== "string" || spec.pattern.includes("\0")) {
        throw compileInputError(
          where,
          index,
          "pattern must be a string without NUL characters (write \\x00)",
        );
      }
      patterns.push(spec.pattern);
      flags[index] = flagMask(spec.flags, where, index);
      usesSom ||= usesSomLeftmost(spec.flags);
    });
    const modeWord = modeBits(mode, usesSom, options.somHorizon ?? "large", where);
    try {
      return new Database(addon.Database.compile(patterns, flags, ids, modeWord), mode);
    } catch (error: unknown) {
      throw fromNative(error, where, (index) => describe(index, ids));
    }
  }

  static compileLiterals(literals: readonly LiteralSpec[], mode: Mode): Database {
    const where = "Database.compileLiterals";
    const ids = idsOf(literals, where);
    const flags = new Uint32Array(literals.length);
    const bytes: Uint8Array[] = [];
    let usesSom = false;
    literals.forEach((spec, index) => {
      if (typeof spec.literal === "string") bytes.push(utf8.encode(spec.literal));
      else if (spec.literal instanceof Uint8Array) bytes.push(spec.literal);
      else throw compileInputError(where, index, "literal must be a string or a Uint8Array");
      flags[index] = flagMask(spec.flags, where, index);
      usesSom ||= usesSomLeftmost(spec.flags);
    });
    const modeWord = modeBits(mode, usesSom, "large", where);
    try {
      return new Database(addon.Database.compileLiterals(bytes, flags, ids, modeWord), mode);
    } catch (error: unknown) {
      throw fromNative(error, where, (index) => describe(index, ids));
    }
  }

  /** Rebuilds a database from serialize() output (same Hyperscan version and platform). */
  static deserialize(bytes: Uint8Array): Database {
    const where = "Database.deserialize";
    let native: NativeDatabase;
    try {
      native = addon.Database.deserialize(bytes);
    } catch (error: unknown) {
      throw fromNative(error, where);
    }
    const mode = /\bMode: (\w+)/.exec(native.info())?.[1];
    if (mode === "BLOCK") return new Database(native, "block");
    if (mode === "STREAM") return new Database(native, "stream");
    native.close();
    throw new HyperscanError(
      "HS_DB_MODE_ERROR",
      `${where}: unsupported database mode ${mode ?? "(unknown)"}; only block and stream are supported`,
    );
  }

  serialize(): Uint8Array {
    try {
      return this.#native.serialize();
    } catch (error: unknown) {
      throw fromNative(error, "Database.serialize");
    }
  }

  /** hs_database_info, e.g. "Version: 5.4.9 Features: AVX2 Mode: STREAM". */
  info(): string {
    try {
      return this.#native.info();
    } catch (error: unknown) {
      throw fromNative(error, "Database.info");
    }
  }

  /**
   * Block mode only: scans `data` in place and APPENDS matches to `into` (from into.count on).
   * Returns the number appended; matches beyond capacity are counted in into.dropped.
   */
  scan(data: Uint8Array, into: MatchBuffer): number {
    if (this.mode !== "block") throw modeError("Database.scan", "block", "use openStream()");
    try {
      return this.#native.scan(data, matchBufferMemory(into));
    } catch (error: unknown) {
      throw fromNative(error, "Database.scan");
    }
  }

  /** Stream mode only. */
  openStream(): Stream {
    if (this.mode !== "stream") throw modeError("Database.openStream", "stream", "use scan()");
    try {
      return wrapNativeStream(this.#native.openStream());
    } catch (error: unknown) {
      throw fromNative(error, "Database.openStream");
    }
  }

  /** Frees the database and its scratch (after its open streams close); idempotent. */
  close(): void {
    this.#native.close();
  }
}

function idsOf(specs: readonly { readonly id: number }[], where: string): Uint32Array {
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new HyperscanError("HS_COMPILER_ERROR", `${where}: needs at least one expression`);
  }
  const ids = new Uint32Array(specs.length);
  specs.forEach((spec, index) => {
    if (!Number.isInteger(spec.id) || spec.id < 0 || spec.id > MAX_ID) {
      throw compileInputError(
        where,
        index,
        `id must be an integer in [0, ${MAX_ID}], got ${spec.id}`,
      );
    }
    ids[index] = spec.id;
  });
  return ids;
}

function describe(index: number, ids: Uint32Array): string {
  return `expression ${index} (id ${ids[index] ?? "?"})`;
}

function compileInputError(where: string, index: number, reason: string): HyperscanError {
  return new HyperscanError("HS_COMPILER_ERROR", `${where}: expression ${index}: ${reason}`, {
    expressionIndex: index,
  });
}

function modeError(where: string, needed: Mode, hint: string): HyperscanError {
  const actual = needed === "block" ? "stream" : "block";
  return new HyperscanError(
    "HS_DB_MODE_ERROR",
    `${where}: needs a ${needed}-mode database, this one was compiled for ${actual} mode; ${hint}`,
  );
}
