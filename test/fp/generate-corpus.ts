/**
 * Generates the false-positive corpus (test/fixtures/fp-corpus/<kind>.jsonl) from the
 * hand-written fragments in test/fp/fragments, deterministically: each kind has its own fixed
 * seed, so the files change only when a fragment or a kind's composer changes. The committed
 * files are the corpus; test/fp/corpus-fresh.test.ts fails when they differ from what this
 * produces. Regenerate with:
 *
 *   npx tsx test/fp/generate-corpus.ts
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type FpRequest, formatRequest } from "./corpus-format.js";
import { browseGet } from "./kinds/browse-get.js";
import { formPost } from "./kinds/form-posts.js";
import { hardCases } from "./kinds/hard-cases.js";
import { issuePost } from "./kinds/issue-posts.js";
import { jsonApi } from "./kinds/json-apis.js";
import { richTextPost } from "./kinds/rich-text-posts.js";
import { upload } from "./kinds/uploads.js";
import { Random } from "./random.js";

export const CORPUS_DIR = fileURLToPath(new URL("../fixtures/fp-corpus/", import.meta.url));

type Draft = Omit<FpRequest, "id">;

interface Kind {
  readonly name: string;
  readonly seed: number;
  /** Requests of this kind: `count` calls of `one`, or the fixed list `all` returns. */
  readonly count?: number;
  readonly one?: (rng: Random) => Draft;
  readonly all?: (rng: Random) => Draft[];
}

export const KINDS: readonly Kind[] = [
  { name: "browse-get", seed: 0x5eed0001, count: 520, one: browseGet },
  { name: "form-posts", seed: 0x5eed0002, count: 460, one: formPost },
  { name: "json-apis", seed: 0x5eed0003, count: 460, one: jsonApi },
  { name: "rich-text", seed: 0x5eed0004, count: 300, one: richTextPost },
  { name: "issue-tracker", seed: 0x5eed0005, count: 400, one: issuePost },
  { name: "uploads", seed: 0x5eed0006, count: 240, one: upload },
  { name: "hard-cases", seed: 0x5eed0007, all: hardCases },
];

/** The text of every corpus file, by file name. */
export function buildCorpus(): Map<string, string> {
  const files = new Map<string, string>();
  for (const kind of KINDS) {
    const rng = new Random(kind.seed);
    const drafts: Draft[] = [];
    if (kind.all !== undefined) drafts.push(...kind.all(rng));
    const one = kind.one;
    if (one !== undefined) for (let i = 0; i < (kind.count ?? 0); i++) drafts.push(one(rng));
    const lines = drafts.map((d, i) =>
      formatRequest({ id: `${kind.name}-${String(i + 1).padStart(4, "0")}`, ...d }),
    );
    files.set(`${kind.name}.jsonl`, `${lines.join("\n")}\n`);
  }
  return files;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, text] of buildCorpus()) {
    writeFileSync(`${CORPUS_DIR}${name}`, text);
    process.stdout.write(`${name}: ${text.split("\n").length - 1} requests\n`);
  }
}
