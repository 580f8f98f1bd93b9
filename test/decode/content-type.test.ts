/**
 * Walks test/fixtures/decode/content-type.json: parsed media type and parameters, and which
 * body decoder selectBodyDecoder picks (null: none, the body gets only the raw scan).
 */
import { describe, expect, it } from "vitest";
import { parseContentType, selectBodyDecoder } from "../../src/decode/content-type.js";
import { FormUrlencodedDecoder } from "../../src/decode/form-urlencoded.js";
import { JsonDecoder } from "../../src/decode/json.js";
import { loadFixture } from "./support/fixtures.js";
import { RecordingSink } from "./support/recording-sink.js";

interface ContentTypeVector {
  readonly name: string;
  readonly source?: string;
  readonly input: string | null;
  readonly expected: {
    readonly type: string;
    readonly params: Record<string, string>;
    readonly repeated: readonly string[];
  } | null;
  readonly decoder: "form-urlencoded" | "json" | null;
}

function decoderName(decoder: unknown): string | null {
  if (decoder === undefined) return null;
  if (decoder instanceof JsonDecoder) return "json";
  if (decoder instanceof FormUrlencodedDecoder) return "form-urlencoded";
  return "unknown";
}

describe("content-type", () => {
  for (const vector of loadFixture<ContentTypeVector[]>("content-type.json")) {
    const title = vector.source ? `${vector.name} [${vector.source}]` : vector.name;
    it(title, () => {
      const input = vector.input ?? undefined;
      const parsed = input === undefined ? undefined : parseContentType(input);
      const shown =
        parsed === undefined
          ? null
          : {
              type: parsed.type,
              params: Object.fromEntries(parsed.params),
              repeated: parsed.repeated,
            };
      expect(shown).toEqual(vector.expected);
      expect(decoderName(selectBodyDecoder(input, new RecordingSink()))).toBe(vector.decoder);
    });
  }
});
