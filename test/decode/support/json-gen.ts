/**
 * Random JSON documents for the differential test, written as text by our own serializer so
 * that escapes (\uXXXX for any character, surrogate pairs, \/), number spellings and whitespace
 * vary far more than JSON.stringify would make them. Keys are never array-index-like and never
 * repeat within an object, so JSON.parse keeps them all in document order.
 */
import type { Prng } from "./prng.js";

const PIECES = [
  "a",
  "Z",
  "0",
  " ",
  "'",
  '"',
  "\\",
  "/",
  "<",
  ">",
  "{",
  "}",
  "[",
  "]",
  ":",
  ",",
  "\n",
  "\t",
  "\u0000",
  "\u0001",
  "\u001f",
  "\u007f",
  "é",
  "中",
  "娧",
  "😀",
  "𝄞",
  "\ud800",
  "\udc00",
  "\u2028",
  "SELECT",
  " OR 1=1",
  "<script>",
];
const NUMBERS = [
  "0",
  "-0",
  "1",
  "-1",
  "42",
  "3.25",
  "-0.5",
  "1e3",
  "1E-7",
  "-2.5e+10",
  "123456789",
  "0.000001",
];

function randomString(rng: Prng): string {
  let text = "";
  const count = rng.int(8);
  for (let k = 0; k < count; k++) text += rng.pick(PIECES);
  return text;
}

/** Serializes one string with randomly chosen escapes. */
function writeString(rng: Prng, text: string): string {
  let out = '"';
  for (let k = 0; k < text.length; k++) {
    const unit = text.charCodeAt(k);
    const ch = text[k] as string;
    const mustEscape =
      ch === '"' || ch === "\\" || unit < 0x20 || (unit >= 0xd800 && unit <= 0xdfff);
    const isPairStart =
      unit >= 0xd800 &&
      unit <= 0xdbff &&
      k + 1 < text.length &&
      (text.charCodeAt(k + 1) & 0xfc00) === 0xdc00;
    if (isPairStart && rng.int(2) === 0) {
      // Raw surrogate pair: written as the character itself.
      out += text.slice(k, k + 2);
      k++;
      continue;
    }
    if (mustEscape || rng.int(5) === 0) {
      const simple = {
        '"': '\\"',
        "\\": "\\\\",
        "/": "\\/",
        "\n": "\\n",
        "\t": "\\t",
        "\b": "\\b",
        "\f": "\\f",
        "\r": "\\r",
      }[ch];
      out +=
        simple !== undefined && rng.int(2) === 0
          ? simple
          : `\\u${unit.toString(16).padStart(4, "0")}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

function space(rng: Prng): string {
  return rng.pick(["", "", "", " ", "\n", "\r\n\t", "  "]);
}

function writeValue(rng: Prng, depth: number): string {
  const kind = rng.int(depth >= 4 ? 4 : 6);
  switch (kind) {
    case 0:
      return writeString(rng, randomString(rng));
    case 1:
      return rng.pick(NUMBERS);
    case 2:
      return rng.pick(["true", "false", "null"]);
    case 3:
      return writeString(rng, randomString(rng));
    case 4: {
      const items: string[] = [];
      const count = rng.int(4);
      for (let k = 0; k < count; k++)
        items.push(space(rng) + writeValue(rng, depth + 1) + space(rng));
      return `[${items.join(",")}${count === 0 ? space(rng) : ""}]`;
    }
    default: {
      const members: string[] = [];
      const used = new Set<string>();
      const count = rng.int(4);
      for (let k = 0; k < count; k++) {
        const key = `k${randomString(rng)}`;
        if (used.has(key)) continue;
        used.add(key);
        members.push(
          `${space(rng)}${writeString(rng, key)}${space(rng)}:${space(rng)}${writeValue(rng, depth + 1)}${space(rng)}`,
        );
      }
      return `{${members.join(",")}}`;
    }
  }
}

/** A random JSON text; top-level values of every kind. */
export function randomJson(rng: Prng): string {
  return space(rng) + writeValue(rng, 0) + space(rng);
}
