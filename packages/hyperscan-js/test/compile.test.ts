// Compilation: errors that name the failing expression, flags, literal sets, expression info,
// serialization.
import { describe, expect, it } from "vitest";
import {
  Database,
  type ExpressionSpec,
  expressionInfo,
  HyperscanError,
  MatchBuffer,
  validPlatform,
  version,
} from "../src/index.js";
import { bytes, type FoundMatch, matchesOf } from "./helpers.js";

function blockMatches(database: Database, text: string | Uint8Array): FoundMatch[] {
  const into = new MatchBuffer(64);
  database.scan(typeof text === "string" ? bytes(text) : text, into);
  return matchesOf(into);
}

function compileError(run: () => unknown): HyperscanError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof HyperscanError) return error;
    throw error;
  }
  throw new Error("expected a HyperscanError");
}

/** Hyperscan's own message for an invalid pattern, taken from hs_expression_info. */
function hyperscanMessage(pattern: string): string {
  const error = compileError(() => expressionInfo(pattern));
  const message = error.message.replace(/^expressionInfo: /, "");
  expect(message.length).toBeGreaterThan(0);
  return message;
}

describe("compile errors", () => {
  it("name the failing expression's index and id and carry Hyperscan's message", () => {
    const expressions: ExpressionSpec[] = [
      { pattern: "select", id: 7 },
      { pattern: "union", id: 8 },
      { pattern: "a(b", id: 9 },
    ];
    const error = compileError(() => Database.compile(expressions, "block"));
    expect(error.code).toBe("HS_COMPILER_ERROR");
    expect(error.expressionIndex).toBe(2);
    expect(error.message).toContain("expression 2");
    expect(error.message).toContain("id 9");
    expect(error.message).toContain(hyperscanMessage("a(b"));
  });

  it("report the index in the input array for the failing literal", () => {
    const error = compileError(() =>
      Database.compileLiterals(
        [
          { literal: "abc", id: 1 },
          { literal: "", id: 2 },
        ],
        "block",
      ),
    );
    expect(error.code).toBe("HS_COMPILER_ERROR");
    expect(error.expressionIndex).toBe(1);
  });

  it("leave expressionIndex undefined when the error is about the whole set", () => {
    const error = compileError(() => Database.compile([], "block"));
    expect(error.code).toBe("HS_COMPILER_ERROR");
    expect(error.expressionIndex).toBeUndefined();
  });

  it("reject ids outside 32 bits, unknown flags and NUL characters at their index", () => {
    const badId = compileError(() =>
      Database.compile(
        [
          { pattern: "a", id: 1 },
          { pattern: "b", id: -1 },
        ],
        "block",
      ),
    );
    expect(badId.expressionIndex).toBe(1);
    const badFlag = compileError(() =>
      Database.compile([{ pattern: "a", id: 1, flags: ["nocase" as "caseless"] }], "block"),
    );
    expect(badFlag.expressionIndex).toBe(0);
    expect(badFlag.message).toContain("nocase");
    const nul = compileError(() => Database.compile([{ pattern: "a\0b", id: 1 }], "block"));
    expect(nul.expressionIndex).toBe(0);
  });

  it("refuse an empty-matching pattern unless allowempty is set", () => {
    const error = compileError(() => Database.compile([{ pattern: "x*", id: 1 }], "block"));
    expect(error.expressionIndex).toBe(0);
    expect(error.message).toContain("HS_FLAG_ALLOWEMPTY");
    const allowed = Database.compile([{ pattern: "x*", id: 1, flags: ["allowempty"] }], "block");
    expect(blockMatches(allowed, "").length).toBeGreaterThan(0);
  });
});

describe("flags", () => {
  it("caseless matches other letter cases only when set", () => {
    const plain = Database.compile([{ pattern: "select", id: 1 }], "block");
    const caseless = Database.compile([{ pattern: "select", id: 1, flags: ["caseless"] }], "block");
    expect(blockMatches(plain, "SeLeCt")).toEqual([]);
    expect(blockMatches(caseless, "SeLeCt")).toEqual([{ id: 1, from: 0, to: 6 }]);
  });

  it("singlematch reports an expression once", () => {
    const text = "ab ab ab ab";
    const many = Database.compile([{ pattern: "ab", id: 3 }], "block");
    const once = Database.compile([{ pattern: "ab", id: 3, flags: ["singlematch"] }], "block");
    expect(blockMatches(many, text).length).toBe(4);
    expect(blockMatches(once, text)).toEqual([{ id: 3, from: 0, to: 2 }]);
  });

  it("somLeftmost reports start offsets, without it from is 0", () => {
    const text = "xx<script>yy";
    const som = Database.compile([{ pattern: "<script>", id: 4, flags: ["somLeftmost"] }], "block");
    const plain = Database.compile([{ pattern: "<script>", id: 4 }], "block");
    expect(blockMatches(som, text)).toEqual([{ id: 4, from: 2, to: 10 }]);
    expect(blockMatches(plain, text)).toEqual([{ id: 4, from: 0, to: 10 }]);
  });

  it("somLeftmost works in stream mode with every SOM horizon", () => {
    for (const somHorizon of ["small", "medium", "large"] as const) {
      const database = Database.compile(
        [{ pattern: "b+c", id: 5, flags: ["somLeftmost"] }],
        "stream",
        { somHorizon },
      );
      const into = new MatchBuffer(8);
      const stream = database.openStream();
      stream.scan(bytes("aabb"), into);
      stream.scan(bytes("bc"), into);
      stream.close(into);
      expect(matchesOf(into), somHorizon).toEqual([{ id: 5, from: 2, to: 6 }]);
    }
  });

  it("dotall and multiline change what . and $ match", () => {
    const text = "a\nb";
    expect(blockMatches(Database.compile([{ pattern: "a.b", id: 1 }], "block"), text)).toEqual([]);
    expect(
      blockMatches(Database.compile([{ pattern: "a.b", id: 1, flags: ["dotall"] }], "block"), text),
    ).toHaveLength(1);
    expect(blockMatches(Database.compile([{ pattern: "a$", id: 1 }], "block"), text)).toEqual([]);
    expect(
      blockMatches(
        Database.compile([{ pattern: "a$", id: 1, flags: ["multiline"] }], "block"),
        text,
      ),
    ).toEqual([{ id: 1, from: 0, to: 1 }]);
  });
});

describe("literal sets", () => {
  // Vectorscan 5.4.9 rejects a literal whose FIRST byte is NUL as "empty"; NUL elsewhere works.
  it("match bytes literally, including regex metacharacters and NUL", () => {
    const database = Database.compileLiterals(
      [
        { literal: "a.c", id: 1 },
        { literal: new Uint8Array([0x41, 0x00, 0xff]), id: 2 },
        { literal: "DROP TABLE", id: 3, flags: ["caseless", "somLeftmost"] },
      ],
      "block",
    );
    expect(blockMatches(database, "abc")).toEqual([]);
    expect(blockMatches(database, "xa.cx")).toEqual([{ id: 1, from: 0, to: 4 }]);
    expect(blockMatches(database, new Uint8Array([9, 0x41, 0x00, 0xff, 9]))).toEqual([
      { id: 2, from: 0, to: 4 },
    ]);
    expect(blockMatches(database, new Uint8Array([9, 0x41, 0x00, 0xfe, 9]))).toEqual([]);
    expect(blockMatches(database, ";drop table x")).toEqual([{ id: 3, from: 1, to: 11 }]);
  });

  it("reject flags the literal API does not support, at their index", () => {
    const error = compileError(() =>
      Database.compileLiterals(
        [
          { literal: "a", id: 1 },
          { literal: "b", id: 2, flags: ["dotall"] },
        ],
        "block",
      ),
    );
    expect(error.code).toBe("HS_COMPILER_ERROR");
    expect(error.expressionIndex).toBe(1);
  });

  it("work in stream mode across chunks", () => {
    const database = Database.compileLiterals([{ literal: "../", id: 7 }], "stream");
    const into = new MatchBuffer(8);
    const stream = database.openStream();
    stream.scan(bytes("/a/."), into);
    stream.scan(bytes("./b"), into);
    expect(stream.close(into)).toBe(0);
    expect(matchesOf(into)).toEqual([{ id: 7, from: 0, to: 6 }]);
  });
});

describe("serialize / deserialize", () => {
  const expressions: ExpressionSpec[] = [
    { pattern: "union\\s+select", id: 1, flags: ["caseless"] },
    { pattern: "<script", id: 2, flags: ["somLeftmost"] },
    { pattern: "passwd$", id: 3 },
  ];
  const text = bytes("x UNION  select <script> /etc/passwd");

  it("round-trips a block database with equal scan results", () => {
    const original = Database.compile(expressions, "block");
    const copy = Database.deserialize(original.serialize());
    expect(copy.mode).toBe("block");
    expect(copy.sizeBytes).toBe(original.sizeBytes);
    expect(copy.info()).toBe(original.info());
    const expected = new MatchBuffer();
    original.scan(text, expected);
    expect(expected.count).toBe(3);
    const actual = new MatchBuffer();
    copy.scan(text, actual);
    expect(matchesOf(actual)).toEqual(matchesOf(expected));
  });

  it("round-trips a stream database with equal scan results", () => {
    const original = Database.compile(expressions, "stream");
    const copy = Database.deserialize(original.serialize());
    expect(copy.mode).toBe("stream");
    expect(copy.streamSizeBytes).toBe(original.streamSizeBytes);
    const run = (database: Database): FoundMatch[] => {
      const into = new MatchBuffer();
      const stream = database.openStream();
      stream.scan(text.subarray(0, 10), into);
      stream.scan(text.subarray(10), into);
      stream.close(into);
      return matchesOf(into);
    };
    const expected = run(original);
    expect(expected).toHaveLength(3);
    expect(run(copy)).toEqual(expected);
  });

  it("rejects bytes that are not a serialized database", () => {
    const error = compileError(() => Database.deserialize(bytes("not a database at all")));
    expect(error.code).toMatch(/^HS_/);
    expect(error.message).toContain("Database.deserialize");
  });
});

describe("expressionInfo", () => {
  it("reports fixed, bounded and unbounded widths", () => {
    expect(expressionInfo("abc")).toMatchObject({ minWidth: 3, maxWidth: 3 });
    expect(expressionInfo("ab{2,5}")).toMatchObject({ minWidth: 3, maxWidth: 6 });
    expect(expressionInfo("ab+c")).toMatchObject({ minWidth: 3, maxWidth: Infinity });
    expect(expressionInfo("\\d{3}", ["utf8"])).toMatchObject({ minWidth: 3, maxWidth: 3 });
  });

  it("reports end-of-data anchoring", () => {
    expect(expressionInfo("abc\\z")).toMatchObject({ matchesAtEod: true, matchesOnlyAtEod: true });
    expect(expressionInfo("abc")).toMatchObject({ matchesAtEod: false, matchesOnlyAtEod: false });
  });

  it("throws HS_COMPILER_ERROR with Hyperscan's message for an invalid pattern", () => {
    const error = compileError(() => expressionInfo("(?<name"));
    expect(error.code).toBe("HS_COMPILER_ERROR");
    expect(error.expressionIndex).toBeUndefined();
    expect(error.message.length).toBeGreaterThan("expressionInfo: ".length);
  });
});

describe("library", () => {
  it("reports the version and a valid platform", () => {
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
    expect(validPlatform()).toBe(true);
  });
});
