/**
 * The binary-upload policy (src/inspect/file-content.ts): which media types count as binary,
 * the text sniff of an undeclared file's first bytes, and the skipped-byte count of the request
 * inspector. Which matches a policy keeps or drops is covered by the vectors in
 * test/fixtures/inspect/requests.json (engine.test.ts, at every split).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileEngine } from "../../src/inspect/engine.js";
import { isBinaryMediaType, looksBinary } from "../../src/inspect/file-content.js";
import type { RequestInspector } from "../../src/inspect/request-inspector.js";
import type { CompilableSignature } from "../../src/signatures/compile.js";

const bytes = (text: string): Uint8Array => Buffer.from(text, "latin1");

describe("binary media types", () => {
  it("are the listed application types and image, audio, video and font families", () => {
    for (const type of ["application/octet-stream", "application/zip", "application/pdf"]) {
      expect(isBinaryMediaType(type), type).toBe(true);
    }
    for (const type of ["image/png", "audio/ogg", "video/mp4", "font/woff2"]) {
      expect(isBinaryMediaType(type), type).toBe(true);
    }
  });

  it("exclude text and SVG, which is XML and can carry script", () => {
    for (const type of ["text/plain", "application/json", "image/svg+xml", "application/xml"]) {
      expect(isBinaryMediaType(type), type).toBe(false);
    }
  });
});

describe("text sniff of a file's first bytes", () => {
  it("finds a NUL or ill-formed UTF-8 binary", () => {
    expect(looksBinary(bytes("GIF89a\x00\x01"), true)).toBe(true);
    expect(looksBinary(bytes("\x89PNG\r\n"), true)).toBe(true);
    expect(looksBinary(bytes("..\xc0\xae"), true)).toBe(true);
    expect(looksBinary(bytes("\xed\xa0\x80"), true)).toBe(true);
  });

  it("finds UTF-8 text, also when the window cuts a sequence", () => {
    expect(looksBinary(bytes("<?php echo 1; ?>"), true)).toBe(false);
    expect(looksBinary(bytes("caf\xc3\xa9 \xf0\x9f\x98\x80"), true)).toBe(false);
    expect(looksBinary(bytes("caf\xc3"), false)).toBe(false);
    expect(looksBinary(bytes("caf\xc3"), true)).toBe(true);
  });
});

describe("skipped bytes", () => {
  const signatures = JSON.parse(
    readFileSync(new URL("../fixtures/inspect/signatures.json", import.meta.url), "utf8"),
  ) as CompilableSignature[];
  const engine = compileEngine(signatures, { paranoia: 1 });

  function send(contentType: string, body: Uint8Array): RequestInspector {
    const exchange = engine.openExchange();
    const request = exchange.request as RequestInspector;
    request.headers(
      [
        { key: ":path", value: bytes("/up") },
        { key: "content-type", value: bytes(contentType) },
      ],
      false,
    );
    for (let at = 0; at < body.length; at += 100) {
      request.body(body.subarray(at, at + 100), at + 100 >= body.length);
    }
    exchange.close();
    return request;
  }

  it("count a binary file part's content, inspected part names and other parts not", () => {
    const file = "\x00".repeat(700);
    const body = bytes(
      '--b7\r\nContent-Disposition: form-data; name="f"; filename="r.bin"\r\n' +
        `Content-Type: application/zip\r\n\r\n${file}\r\n` +
        '--b7\r\nContent-Disposition: form-data; name="g"; filename="s.bin"\r\n\r\n' +
        `${file}\r\n--b7\r\nContent-Disposition: form-data; name="t"\r\n\r\ntext\r\n--b7--\r\n`,
    );
    const request = send("multipart/form-data; boundary=b7", body);
    expect(request.bytesSeen).toBe(body.length);
    expect(request.bytesInspected).toBe(body.length);
    expect(request.bytesSkipped).toBe(2 * file.length);
  });

  it("count a whole application/octet-stream body without structure", () => {
    const body = bytes("plain bytes ".repeat(50));
    expect(send("application/octet-stream", body).bytesSkipped).toBe(body.length);
  });

  it("count nothing when the sniffer finds JSON in an application/octet-stream body", () => {
    const body = bytes(`{"a":"${"x".repeat(600)}"}`);
    expect(send("application/octet-stream", body).bytesSkipped).toBe(0);
  });
});
