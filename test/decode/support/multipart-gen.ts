/**
 * Random valid multipart/form-data bodies (RFC 7578, CRLF framing) for the differential test
 * against busboy: RFC 2046 boundary characters, text fields and file parts, values holding
 * CRLF, dashes and near-misses of the delimiter, UTF-8 names, header names in any case.
 */
import type { Prng } from "./prng.js";

const BOUNDARY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=?";
const NAMES = ["a", "user", "q", "file", "data[]", "名前", "x y", "_charset_x"];
const VALUES = [
  "x",
  " ",
  "\r\n",
  "\n",
  "--",
  "-",
  "\r",
  "é",
  "中",
  "' OR 1=1--",
  "<b>",
  "%41",
  "+",
];

export interface GeneratedMultipart {
  readonly boundary: string;
  readonly body: Uint8Array;
}

function boundaryOf(rng: Prng): string {
  let boundary = rng.pick(["----WebKitFormBoundary", "b", "--x", "boundary"]);
  for (let k = rng.int(12); k > 0; k--) {
    boundary += BOUNDARY_CHARS.charAt(rng.int(BOUNDARY_CHARS.length));
  }
  // RFC 2046: a boundary does not end in a space; ours never has one.
  return boundary;
}

export function randomMultipart(rng: Prng): GeneratedMultipart {
  const boundary = boundaryOf(rng);
  let body = "";
  for (let p = 1 + rng.int(4); p > 0; p--) {
    const name = rng.pick(NAMES);
    const file = rng.int(3) === 0;
    let value = "";
    for (let k = rng.int(8); k > 0; k--) {
      // A near-miss of the delimiter inside content: the boundary without its leading CRLF
      // (after CRLF, or at the start of content, it would be a delimiter: RFC 2046 5.1.1).
      value += rng.int(10) === 0 ? `x--${boundary}` : rng.pick(VALUES);
    }
    const disposition = rng.pick(["Content-Disposition", "content-disposition"]);
    body += `--${boundary}\r\n${disposition}: form-data; name="${name}"`;
    if (file) body += `; filename="${rng.pick(["a.txt", "notes.csv", "x"])}"`;
    body += "\r\n";
    if (file) body += `${rng.pick(["Content-Type", "content-type"])}: text/plain\r\n`;
    body += `\r\n${value}\r\n`;
  }
  body += `--${boundary}--${rng.pick(["", "\r\n"])}`;
  return { boundary, body: new TextEncoder().encode(body) };
}
