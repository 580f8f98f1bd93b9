import { describe, expect, it } from "vitest";
import { createLogger, type LogFields, toLogFields } from "../../src/log/logger.js";

const at = new Date("2026-01-02T03:04:05.678Z");

function capture(level: "debug" | "info" | "warn" | "error" = "info") {
  const lines: string[] = [];
  const log = createLogger({ level, sink: (l) => lines.push(l), now: () => at });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("logger", () => {
  it("writes one JSON object per line with time, level, msg and the fields", () => {
    const { log, lines, parsed } = capture();
    log.info("weir serving", { grpc_listen: "0.0.0.0:50051", signatures_loaded: 42, ok: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    expect(parsed()[0]).toEqual({
      time: "2026-01-02T03:04:05.678Z",
      level: "info",
      msg: "weir serving",
      grpc_listen: "0.0.0.0:50051",
      signatures_loaded: 42,
      ok: true,
    });
  });

  it("drops lines below its level", () => {
    const { log, parsed } = capture("warn");
    log.debug("a");
    log.info("b");
    log.warn("c");
    log.error("d");
    expect(parsed().map((l) => l.msg)).toEqual(["c", "d"]);
    expect(log.enabled("info")).toBe(false);
  });

  it("adds a child's fields to every line, and a line's own fields win", () => {
    const { log, parsed } = capture();
    const child = log.child({ component: "metrics", port: 1 });
    child.info("listening", { port: 9464 });
    expect(parsed()[0]).toMatchObject({ component: "metrics", port: 9464 });
  });

  it("keeps time, level and msg from being overwritten by fields", () => {
    const { log, parsed } = capture();
    log.warn("real", { msg: "fake", level: "debug", time: "never" });
    expect(parsed()[0]).toMatchObject({ msg: "real", level: "warn", time: at.toISOString() });
  });

  it("reduces an error to name, code, message and cause, without its stack", () => {
    const { log, parsed } = capture();
    const error = Object.assign(new Error("listen EADDRINUSE", { cause: new Error("port 9464") }), {
      code: "EADDRINUSE",
    });
    log.error("cannot start", { error, skipped: undefined });
    expect(parsed()[0]).toEqual({
      time: at.toISOString(),
      level: "error",
      msg: "cannot start",
      error: {
        name: "Error",
        message: "listen EADDRINUSE",
        code: "EADDRINUSE",
        cause: "port 9464",
      },
    });
  });

  it("refuses payload bytes at compile time", () => {
    const bytes = new Uint8Array([0x27, 0x20, 0x4f, 0x52]);
    // @ts-expect-error a Uint8Array is not a log value (DESIGN I8: no payload bytes in logs)
    const fields: LogFields = { body: bytes };
    expect(fields.body).toBe(bytes);
  });

  it("makes fields from other modules safe: byte arrays become their length", () => {
    const fields = toLogFields({
      chunk: new Uint8Array(7),
      buffer: Buffer.from("secret"),
      nested: { list: [1, new Uint8Array(2)], missing: undefined },
      error: new TypeError("bad"),
      big: 10n,
      nan: Number.NaN,
      fn: () => 1,
      skipped: undefined,
    });
    expect(fields).toEqual({
      chunk: { bytes: 7 },
      buffer: { bytes: 6 },
      nested: { list: [1, { bytes: 2 }] },
      error: { name: "TypeError", message: "bad" },
      big: "10",
      nan: "NaN",
      fn: "[function]",
    });
    expect(JSON.stringify(fields)).not.toContain("secret");
  });
});
