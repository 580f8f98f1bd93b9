/**
 * Benign request bodies, generated deterministically from a seed: plain text (sent as
 * text/plain: a body declared binary, such as application/octet-stream, is not scanned by text
 * signatures, so it would measure nothing), application/x-www-form-urlencoded and application/json. Each body
 * is exactly the requested size, so a data file of bodies laid end to end can be cut by size
 * alone (the C baseline does). Form bodies stay under the decoder's default field limit (1000)
 * so the whole body is decoded; JSON bodies are one valid document each.
 */

export const BODY_KINDS = ["raw", "form", "json"] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

export const CONTENT_TYPES: Readonly<Record<BodyKind, string>> = {
  raw: "text/plain",
  form: "application/x-www-form-urlencoded",
  json: "application/json",
};

const WORDS = (
  "the order was shipped on time and arrived in good condition thanks to our team " +
  "please find attached invoice for last month customer support ticket about delivery " +
  "window garden kitchen table chair lamp blue green yellow morning evening weekend " +
  "meeting notes project update review budget quarter travel hotel booking flight " +
  "recipe tomato basil olive bread coffee music concert ticket museum library river " +
  "mountain bicycle weather forecast sunny cloudy friendly regards best wishes today"
).split(" ");

const NAMES = ["title", "comment", "message", "address", "notes", "summary", "description"];

/** xorshift32: small, fast and the same on every run. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = (seed * 2654435761 + 1) >>> 0 || 1;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return this.next() % n;
  }
}

function sentence(random: Random, minChars: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < minChars) {
    let word = WORDS[random.below(WORDS.length)] ?? "and";
    if (parts.length === 0) word = word[0]?.toUpperCase() + word.slice(1);
    if (random.below(12) === 0) word = String(random.below(10_000));
    parts.push(word);
    length += word.length + 1;
  }
  return `${parts.join(" ")}${random.below(4) === 0 ? "," : "."}`;
}

function text(random: Random, chars: number): string {
  const out: string[] = [];
  let length = 0;
  while (length < chars) {
    const s = sentence(random, 30 + random.below(90));
    out.push(s);
    length += s.length + 1;
  }
  return out.join(" ").slice(0, chars);
}

/** Pads or cuts to exactly `size` bytes (all generated text is ASCII). */
function exact(head: string, size: number, tail: string, pad: string): string {
  const room = size - head.length - tail.length;
  if (room >= 0) return head + pad.repeat(room) + tail;
  return head.slice(0, size - tail.length) + tail;
}

function rawBody(random: Random, size: number): string {
  const lines: string[] = [];
  let length = 0;
  while (length < size) {
    const line = text(random, 40 + random.below(120));
    lines.push(line);
    length += line.length + 1;
  }
  return `${lines.join("\n")}\n`.slice(0, size);
}

function formValue(random: Random, chars: number): string {
  return text(random, chars).replaceAll(",", "%2C").replaceAll(" ", "+");
}

function formBody(random: Random, size: number): string {
  const fields: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const name = `${NAMES[random.below(NAMES.length)]}_${i}`;
    const field = `${name}=${formValue(random, 100 + random.below(700))}`;
    fields.push(field);
    length += field.length + 1;
  }
  // Cut at the last field that fits whole, then fill one last field to the exact size.
  let body = "";
  for (const field of fields) {
    if (body.length + field.length + 40 > size) break;
    body += `${field}&`;
  }
  return exact(`${body}last=`, size, "", "x");
}

function jsonRecord(random: Random, id: number): string {
  const title = JSON.stringify(sentence(random, 20));
  const description = JSON.stringify(`${text(random, 100 + random.below(500))}\nCafé ✓`);
  const tags = JSON.stringify([WORDS[random.below(WORDS.length)], WORDS[random.below(8)]]);
  const price = (random.below(100_000) / 100).toFixed(2);
  return (
    `{"id":${id},"title":${title},"description":${description},"tags":${tags},` +
    `"price":${price},"active":${random.below(2) === 0},"parent":null}`
  );
}

function jsonBody(random: Random, size: number): string {
  const head = `{"request_id":"r-${random.below(1_000_000)}","records":[`;
  const tail = "]}";
  const records: string[] = [];
  let used = head.length + tail.length;
  if (used > size)
    throw new RangeError(`a JSON body needs at least ${used} bytes, asked for ${size}`);
  for (let id = 1; ; id++) {
    const record = (id === 1 ? "" : ",") + jsonRecord(random, id);
    const bytes = Buffer.byteLength(record);
    if (used + bytes > size) break;
    records.push(record);
    used += bytes;
  }
  return `${head}${records.join("")}${" ".repeat(size - used)}${tail}`;
}

/** One body of `kind`, exactly `size` bytes; the same (kind, size, seed) gives the same bytes. */
export function benignBody(kind: BodyKind, size: number, seed: number): Buffer {
  if (size === 0) return Buffer.alloc(0);
  const random = new Random(seed);
  const body =
    kind === "raw"
      ? rawBody(random, size)
      : kind === "form"
        ? formBody(random, size)
        : jsonBody(random, size);
  const bytes = Buffer.from(body, "utf8");
  if (bytes.length !== size) {
    throw new Error(`benign ${kind} body: generated ${bytes.length} bytes instead of ${size}`);
  }
  return bytes;
}

/** `count` bodies laid end to end (seeds 1..count). */
export function benignBodies(kind: BodyKind, size: number, count: number): Buffer {
  const out = Buffer.allocUnsafe(size * count);
  for (let i = 0; i < count; i++) benignBody(kind, size, i + 1).copy(out, i * size);
  return out;
}
