// The public API as the engine is written against it. The type assertions below are checked by
// `npx tsc -p packages/hyperscan-js/test/tsconfig.json`; the runtime part checks the exports.
import { describe, expect, it } from "vitest";
import type {
  Database,
  ExpressionInfo,
  ExpressionSpec,
  Flag,
  HyperscanError,
  LiteralSpec,
  MatchBuffer,
  Mode,
  Stream,
} from "../src/index.js";
import * as hyperscan from "../src/index.js";

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

interface SpecMatchBuffer {
  readonly capacity: number;
  readonly ids: Uint32Array;
  readonly from: Float64Array;
  readonly to: Float64Array;
  count: number;
  dropped: number;
  clear(): void;
}

interface SpecDatabase {
  serialize(): Uint8Array;
  readonly mode: Mode;
  readonly sizeBytes: number;
  readonly streamSizeBytes: number;
  info(): string;
  scan(data: Uint8Array, into: MatchBuffer): number;
  openStream(): Stream;
  close(): void;
}

interface SpecDatabaseStatics {
  compile(
    expressions: readonly ExpressionSpec[],
    mode: Mode,
    options?: { readonly somHorizon?: "small" | "medium" | "large" },
  ): Database;
  compileLiterals(literals: readonly LiteralSpec[], mode: Mode): Database;
  deserialize(bytes: Uint8Array): Database;
}

interface SpecStream {
  scan(chunk: Uint8Array, into: MatchBuffer): number;
  close(into?: MatchBuffer): number;
  reset(into?: MatchBuffer): number;
  readonly isOpen: boolean;
}

interface SpecHyperscanError extends Error {
  readonly code: string;
  readonly expressionIndex: number | undefined;
}

const typeChecks: readonly true[] = [
  true satisfies Equals<
    Flag,
    | "caseless"
    | "dotall"
    | "multiline"
    | "singlematch"
    | "allowempty"
    | "utf8"
    | "ucp"
    | "prefilter"
    | "somLeftmost"
  >,
  true satisfies Equals<Mode, "block" | "stream">,
  true satisfies Equals<
    ExpressionSpec,
    { readonly pattern: string; readonly id: number; readonly flags?: readonly Flag[] }
  >,
  true satisfies Equals<
    LiteralSpec,
    { readonly literal: Uint8Array | string; readonly id: number; readonly flags?: readonly Flag[] }
  >,
  true satisfies Equals<
    ExpressionInfo,
    {
      readonly minWidth: number;
      readonly maxWidth: number;
      readonly unorderedMatches: boolean;
      readonly matchesAtEod: boolean;
      readonly matchesOnlyAtEod: boolean;
    }
  >,
  true satisfies MatchBuffer extends SpecMatchBuffer ? true : false,
  true satisfies Database extends SpecDatabase ? true : false,
  true satisfies typeof hyperscan.Database extends SpecDatabaseStatics ? true : false,
  true satisfies Stream extends SpecStream ? true : false,
  true satisfies HyperscanError extends SpecHyperscanError ? true : false,
  true satisfies typeof hyperscan.MatchBuffer extends new (
    capacity?: number,
  ) => MatchBuffer
    ? true
    : false,
  true satisfies Equals<
    typeof hyperscan.expressionInfo,
    (pattern: string, flags?: readonly Flag[]) => ExpressionInfo
  >,
  true satisfies Equals<typeof hyperscan.version, () => string>,
  true satisfies Equals<typeof hyperscan.validPlatform, () => boolean>,
];

describe("public API", () => {
  it("exports exactly the runtime values the engine uses", () => {
    expect(typeChecks.every(Boolean)).toBe(true);
    expect(Object.keys(hyperscan).sort()).toEqual([
      "Database",
      "HyperscanError",
      "MatchBuffer",
      "Stream",
      "expressionInfo",
      "validPlatform",
      "version",
    ]);
  });

  it("HyperscanError is an Error with a code", () => {
    const error = new hyperscan.HyperscanError("CLOSED", "the database is closed");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("HyperscanError");
    expect(error.code).toBe("CLOSED");
    expect(error.expressionIndex).toBeUndefined();
  });
});
