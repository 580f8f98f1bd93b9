/**
 * The committed false-positive corpus must be exactly what test/fp/generate-corpus.ts produces:
 * a fragment or composer change without `npx tsx test/fp/generate-corpus.ts` would leave the
 * signatures tuned against a corpus nobody can regenerate. Also checks the corpus as data:
 * every line parses, ids run in order, every kind holds what it claims, bodies decode, and no
 * stray file sits in the folder.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bodyBytes, parseCorpusFile } from "./corpus-format.js";
import { buildCorpus, CORPUS_DIR, KINDS } from "./generate-corpus.js";

const generated = buildCorpus();

describe("false-positive corpus files", () => {
  it("are exactly the generator's output (regenerate with npx tsx test/fp/generate-corpus.ts)", () => {
    const committed = readdirSync(CORPUS_DIR)
      .filter((f) => f.endsWith(".jsonl"))
      .sort();
    expect(committed).toEqual([...generated.keys()].sort());
    for (const [name, text] of generated) {
      const onDisk = readFileSync(join(CORPUS_DIR, name), "utf8");
      expect(onDisk === text, `${name} is stale`).toBe(true);
    }
  });

  it("hold one file per kind, ids numbered in order, with the requested counts", () => {
    for (const kind of KINDS) {
      const name = `${kind.name}.jsonl`;
      const requests = parseCorpusFile(name, generated.get(name) ?? "");
      if (kind.count !== undefined) expect(requests.length, name).toBe(kind.count);
      requests.forEach((r, i) => {
        expect(r.id).toBe(`${kind.name}-${String(i + 1).padStart(4, "0")}`);
      });
    }
  });

  it("carry a body only with a content type, and every JSON body parses", () => {
    for (const [name, text] of generated) {
      for (const r of parseCorpusFile(name, text)) {
        const body = bodyBytes(r);
        if (body === undefined) continue;
        expect(r.content_type, r.id).toBeDefined();
        if (r.content_type?.startsWith("application/json")) {
          expect(() => JSON.parse(Buffer.from(body).toString("utf8")), r.id).not.toThrow();
        }
      }
    }
  });
});
