// Why this exists: the shape of build/Release/hyperscan.node as the C++ side defines it
// (src/addon.cc, database.cc, stream.cc, library.cc). Only the facade uses these types.

export interface NativeStream {
  scan(chunk: Uint8Array, memory: ArrayBuffer): number;
  close(memory: ArrayBuffer | undefined): number;
  reset(memory: ArrayBuffer | undefined): number;
}

export interface NativeDatabase {
  scan(data: Uint8Array, memory: ArrayBuffer): number;
  openStream(): NativeStream;
  serialize(): Uint8Array;
  info(): string;
  sizeBytes(): number;
  streamSizeBytes(): number;
  close(): void;
}

export interface NativeDatabaseClass {
  compile(patterns: string[], flags: Uint32Array, ids: Uint32Array, mode: number): NativeDatabase;
  compileLiterals(
    literals: Uint8Array[],
    flags: Uint32Array,
    ids: Uint32Array,
    mode: number,
  ): NativeDatabase;
  deserialize(bytes: Uint8Array): NativeDatabase;
}

export interface NativeExpressionInfo {
  readonly minWidth: number;
  /** UINT_MAX (4294967295) when unbounded. */
  readonly maxWidth: number;
  readonly unorderedMatches: boolean;
  readonly matchesAtEod: boolean;
  readonly matchesOnlyAtEod: boolean;
}

export interface NativeAddon {
  readonly Database: NativeDatabaseClass;
  expressionInfo(pattern: string, flags: number): NativeExpressionInfo;
  version(): string;
  validPlatform(): boolean;
  /** hs_stream_t objects currently allocated by the addon, process-wide (diagnostic). */
  liveStreamCount(): number;
}

/** Names the loader checks, so a stale build is reported as such rather than failing later. */
export const NATIVE_FUNCTIONS = [
  "expressionInfo",
  "version",
  "validPlatform",
  "liveStreamCount",
] as const;
export const NATIVE_DATABASE_STATICS = ["compile", "compileLiterals", "deserialize"] as const;
