/**
 * Random well-formed XML documents for the differential test against saxes: nested elements
 * with prefixed and non-ASCII names, unique attributes quoted either way, text with references,
 * CDATA sections (with `]` runs, never a literal `]]>` in text), comments and processing instructions inside text, CRLF and
 * tab whitespace, indentation. Written as text by our own serializer.
 */
import type { Prng } from "./prng.js";

const NAMES = ["a", "b", "item", "m:id", "soap:Body", "x-y", "_z", "données", "名前", "v1.2"];
const TEXT = [
  "x",
  " ",
  "  ",
  "\n",
  "\r\n",
  "\t",
  "'",
  '"',
  "]",
  "]]",
  "&amp;",
  "&lt;",
  "&gt;",
  "&quot;",
  "&apos;",
  "&#65;",
  "&#x1F600;",
  "&#xe9;",
  "é",
  "中",
  "😀",
  "' OR 1=1--",
  "<!-- c -->",
  "<?pi some data?>",
];
const CDATA = ["a", "<b>", "]", "]]", "] ]>", "&amp;", "\r\n", " ", "x]"];
const ATTR = ["v", " ", "\t", "\n", "\r\n", "&amp;", "&#60;", "é", ">", "]]>", "'", '"'];

function pieces(rng: Prng, from: readonly string[], max: number): string {
  let text = "";
  for (let k = rng.int(max); k > 0; k--) text += rng.pick(from);
  return text;
}

function attribute(rng: Prng, name: string): string {
  const quote = rng.int(2) === 0 ? '"' : "'";
  const value = pieces(rng, ATTR, 5)
    .split(quote)
    .join(quote === '"' ? "&quot;" : "&apos;");
  return ` ${name}${rng.pick(["=", " = ", "\n="])}${quote}${value}${quote}`;
}

function element(rng: Prng, depth: number): string {
  const name = rng.pick(NAMES);
  const names = new Set<string>();
  let tag = `<${name}`;
  for (let k = rng.int(3); k > 0; k--) {
    const attr = rng.pick(NAMES);
    if (names.has(attr)) continue;
    names.add(attr);
    tag += attribute(rng, attr);
  }
  if (rng.int(5) === 0) return `${tag}${rng.pick(["/>", " />"])}`;
  let body = "";
  for (let k = rng.int(depth >= 4 ? 2 : 5); k > 0; k--) {
    const kind = rng.int(depth >= 4 ? 2 : 4);
    if (kind === 0) body += pieces(rng, TEXT, 6);
    else if (kind === 1) body += `<![CDATA[${pieces(rng, CDATA, 4)}]]>`;
    else body += element(rng, depth + 1);
  }
  return `${tag}>${body}</${name}${rng.pick(["", " "])}>`;
}

/** A random document: optional declaration, prolog comments, one root, epilog whitespace. */
export function randomXml(rng: Prng): string {
  const declaration = rng.int(2) === 0 ? '<?xml version="1.0" encoding="UTF-8"?>' : "";
  const prolog = rng.pick(["", "\n", "<!-- prolog -->\n"]);
  return `${declaration}${prolog}${element(rng, 0)}${rng.pick(["", "\n", " <!-- e -->"])}`;
}
