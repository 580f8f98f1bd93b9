/**
 * The configuration file's validator is its published JSON Schema
 * (schema/weir-config.schema.json, draft 2020-12), run by ajv with every error collected. This
 * file turns each ajv error into a ConfigProblem in plain words, at the line and column of the
 * offending key or value: "routes[2].exclusions[0].signatures[1]: 9421OO is not an integer".
 *
 * The schema's own annotation `x-expected` gives the words for a value that fails a pattern, so
 * the message says what is expected rather than quoting a regular expression.
 */
import { readFileSync } from "node:fs";
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { suggest } from "../suggest.js";
import type { DocPath, LocatedYaml } from "./located-yaml.js";
import type { ConfigProblem } from "./problems.js";

/** The schema file, in the package (found from this file, as src/ and as dist/). */
export const SCHEMA_URL = new URL("../../../schema/weir-config.schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as object;
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      allowUnionTypes: true,
      verbose: true,
    });
    ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Every schema violation in the document, one problem each. */
export function schemaProblems(yaml: LocatedYaml): ConfigProblem[] {
  const validate = validator();
  if (validate(yaml.value)) return [];
  const problems: ConfigProblem[] = [];
  for (const error of validate.errors ?? []) {
    // `const` only appears under `not`, which reports the same value in better words.
    if (error.keyword === "const") continue;
    problems.push(describe(yaml, error));
  }
  return problems;
}

/** Splits ajv's JSON Pointer instancePath, turning segments into indexes inside arrays. */
export function pathOf(instancePath: string, value: unknown): DocPath {
  if (instancePath === "") return [];
  const path: (string | number)[] = [];
  let current: unknown = value;
  for (const raw of instancePath.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current) && /^[0-9]+$/.test(segment)) {
      const index = Number(segment);
      path.push(index);
      current = current[index];
    } else {
      path.push(segment);
      current =
        typeof current === "object" && current !== null
          ? (current as Record<string, unknown>)[segment]
          : undefined;
    }
  }
  return path;
}

function describe(yaml: LocatedYaml, error: ErrorObject): ConfigProblem {
  const path = pathOf(error.instancePath, yaml.value);
  const shown = yaml.shown(path) ?? JSON.stringify(error.data);
  const parent = (error.parentSchema ?? {}) as {
    readonly "x-expected"?: string;
    readonly properties?: Readonly<Record<string, unknown>>;
  };
  const params = error.params as Readonly<Record<string, unknown>>;
  const at = (message: string) => yaml.problem(path, message);
  switch (error.keyword) {
    case "type":
      return at(typeMessage(error.data, shown, params.type));
    case "enum": {
      const allowed = (error.schema as readonly unknown[]).map(String);
      const hint = typeof error.data === "string" ? suggest(error.data, allowed) : undefined;
      const mean = hint === undefined ? "" : ` (did you mean ${hint}?)`;
      if (typeof error.data === "object" && error.data !== null) {
        return at(`expected one of ${allowed.join(", ")}, found ${shown}`);
      }
      return at(`${shown} is not one of ${allowed.join(", ")}${mean}`);
    }
    case "pattern":
    case "not": {
      const expected = parent["x-expected"] ?? `text matching ${String(error.schema)}`;
      return at(`${shown} is not valid: expected ${expected}`);
    }
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys(parent.properties ?? {});
      const hint = suggest(key, known);
      const help =
        hint === undefined ? ` (keys here: ${known.join(", ")})` : `; did you mean ${hint}?`;
      return yaml.problem([...path, key], `unknown key ${key}${help}`, { key: true });
    }
    case "required":
      return at(`missing the required key ${String(params.missingProperty)}`);
    case "minimum":
      return at(`${shown} is below the minimum, ${String(params.limit)}`);
    case "maximum":
      return at(`${shown} is above the maximum, ${String(params.limit)}`);
    case "exclusiveMinimum":
      return at(`${shown} is too small: it must be above ${String(params.limit)}`);
    case "minLength":
      return at("is empty: expected some text");
    case "minItems":
      return at("is an empty list: name at least one item, or remove the key");
    case "uniqueItems": {
      const [i, j] = [Number(params.i), Number(params.j)];
      const [first, second] = [Math.min(i, j), Math.max(i, j)];
      return yaml.problem([...path, second], `repeats item ${first} of the same list`);
    }
    case "minProperties": {
      const keys = Object.keys(parent.properties ?? {});
      return at(`is empty: set at least one of ${keys.join(", ")}`);
    }
    default:
      return at(`${shown} ${error.message ?? "is not valid"}`);
  }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: "an integer",
  number: "a number",
  string: "text",
  boolean: "true or false",
  object: "a map",
  array: "a list",
  null: "empty",
};

function typeMessage(data: unknown, shown: string, type: unknown): string {
  const types = (Array.isArray(type) ? type : [type]).map(
    (t) => TYPE_WORDS[String(t)] ?? String(t),
  );
  const expected = types.join(" or ");
  if (data === null) return `has no value: expected ${expected}`;
  if (typeof data === "object") return `expected ${expected}, found ${shown}`;
  return `${shown} is not ${expected}`;
}
