/**
 * Checks deploy files against the APIs they are written for, as data: every field must exist
 * in its message at its place, with a value of its type (message, scalar, duration, enum name,
 * free-form struct, or an Any whose @type names a known message). The field tables come from
 * the API definitions themselves (test/fixtures/deploy/api-fields.json, `sources` there). No
 * Envoy, Istio or Envoy Gateway runs in weir's test environment, so this is the bar: a
 * misspelt or misplaced field fails here instead of at `envoy --mode validate`.
 */
import { readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";

export interface FieldSpec {
  readonly type: string;
  readonly repeated?: boolean;
  readonly map?: boolean;
}

export interface ApiSection {
  readonly messages: Readonly<Record<string, Readonly<Record<string, FieldSpec>>>>;
  readonly enums: Readonly<Record<string, readonly string[]>>;
}

interface ApiFields {
  readonly envoy: ApiSection & { readonly root: string };
  readonly istio: ApiSection & {
    readonly kinds: Readonly<Record<string, string>>;
    readonly patchValues: Readonly<Record<string, string>>;
  };
  readonly envoyGateway: ApiSection & { readonly kinds: Readonly<Record<string, string>> };
}

export const API: ApiFields = JSON.parse(
  readFileSync(new URL("../fixtures/deploy/api-fields.json", import.meta.url), "utf8"),
) as ApiFields;

const TYPE_URL_PREFIX = "type.googleapis.com/";
/** Envoy durations in YAML: "0.2s", "5s". */
const PROTO_DURATION = /^\d+(\.\d+)?s$/;
/** Gateway API durations: "200ms", "1s", "1h30m". */
const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const INTEGER_TYPES = new Set(["int32", "int64", "uint32", "uint64", "sint32", "sint64"]);

/** A JSON/YAML value as parsed. */
export type Value = unknown;

/** Looks a field of an object up by name, when the value is an object. */
export function field(value: Value, key: string): Value {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const found: unknown = Reflect.get(value, key);
  return found;
}

export function isRecord(value: Value): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface CheckOptions {
  /** How a field typed `patchValue` is checked (Istio patches: by the patch's applyTo). */
  readonly patchValue?: (value: Value, where: string, problems: string[]) => void;
  /** "proto" for Envoy's durations, "gateway" for Kubernetes API durations. */
  readonly durations: "proto" | "gateway";
}

/** Every problem of `value` as a `type` of `api`, with its path. */
export function check(
  api: ApiSection,
  value: Value,
  type: string,
  where: string,
  options: CheckOptions,
  problems: string[] = [],
): string[] {
  const say = (why: string) => problems.push(`${where}: ${why}`);
  switch (type) {
    case "string":
      if (typeof value !== "string") say(`expected a string, got ${JSON.stringify(value)}`);
      return problems;
    case "bool":
      if (typeof value !== "boolean") say(`expected true or false, got ${JSON.stringify(value)}`);
      return problems;
    case "double":
    case "float":
      if (typeof value !== "number") say(`expected a number, got ${JSON.stringify(value)}`);
      return problems;
    case "duration": {
      const pattern = options.durations === "proto" ? PROTO_DURATION : GATEWAY_DURATION;
      if (typeof value !== "string" || !pattern.test(value)) {
        say(`expected a duration like ${options.durations === "proto" ? "0.2s" : "200ms"}`);
      }
      return problems;
    }
    case "struct":
      return problems;
    case "patchValue":
      options.patchValue?.(value, where, problems);
      return problems;
    case "any":
      return checkAny(api, value, where, options, problems);
    default:
      break;
  }
  if (INTEGER_TYPES.has(type)) {
    const ok = Number.isInteger(value) || (typeof value === "string" && /^\d+$/.test(value));
    if (!ok) say(`expected an integer, got ${JSON.stringify(value)}`);
    return problems;
  }
  const values = api.enums[type];
  if (values !== undefined) {
    if (typeof value !== "string" || !values.includes(value)) {
      say(`${JSON.stringify(value)} is not one of ${type}: ${values.join(", ")}`);
    }
    return problems;
  }
  const message = api.messages[type];
  if (message === undefined) {
    say(`message type ${type} is not in test/fixtures/deploy/api-fields.json`);
    return problems;
  }
  if (!isRecord(value)) {
    say(`expected an object (${type}), got ${JSON.stringify(value)}`);
    return problems;
  }
  for (const [key, item] of Object.entries(value)) {
    const spec = message[key];
    if (spec === undefined) {
      say(`"${key}" is not a field of ${type}`);
      continue;
    }
    checkField(api, item, spec, `${where}.${key}`, options, problems);
  }
  return problems;
}

function checkField(
  api: ApiSection,
  value: Value,
  spec: FieldSpec,
  where: string,
  options: CheckOptions,
  problems: string[],
): void {
  if (spec.map === true) {
    if (!isRecord(value)) problems.push(`${where}: expected a map`);
    else
      for (const [k, v] of Object.entries(value))
        check(api, v, spec.type, `${where}[${k}]`, options, problems);
    return;
  }
  if (spec.repeated === true) {
    if (!Array.isArray(value)) problems.push(`${where}: expected a list`);
    else {
      for (const [i, v] of value.entries()) {
        check(api, v, spec.type, `${where}[${i}]`, options, problems);
      }
    }
    return;
  }
  check(api, value, spec.type, where, options, problems);
}

function checkAny(
  api: ApiSection,
  value: Value,
  where: string,
  options: CheckOptions,
  problems: string[],
): string[] {
  const url = field(value, "@type");
  if (!isRecord(value) || typeof url !== "string" || !url.startsWith(TYPE_URL_PREFIX)) {
    problems.push(`${where}: a typed config needs "@type": ${TYPE_URL_PREFIX}<message>`);
    return problems;
  }
  const { "@type": _, ...rest } = value;
  return check(api, rest, url.slice(TYPE_URL_PREFIX.length), `${where}<${url}>`, options, problems);
}

/** An Envoy bootstrap (deploy/envoy/*.yaml). */
export function checkEnvoyBootstrap(config: Value, where: string): string[] {
  return check(API.envoy, config, API.envoy.root, where, { durations: "proto" });
}

/** An Envoy message of `type` (an Istio patch value). */
export function checkEnvoyMessage(value: Value, type: string, where: string): string[] {
  return check(API.envoy, value, type, where, { durations: "proto" });
}

/** A Kubernetes resource: apiVersion/kind known to `section`, metadata.name set, spec checked. */
export function checkResource(
  section: ApiSection & { readonly kinds: Readonly<Record<string, string>> },
  resource: Value,
  where: string,
  options: CheckOptions,
): string[] {
  const problems: string[] = [];
  const kind = `${String(field(resource, "apiVersion"))}/${String(field(resource, "kind"))}`;
  const specType = section.kinds[kind];
  if (specType === undefined) return [`${where}: unknown resource ${kind}`];
  if (typeof field(field(resource, "metadata"), "name") !== "string") {
    problems.push(`${where}: metadata.name is missing`);
  }
  const extra = Object.keys(isRecord(resource) ? resource : {}).filter(
    (k) => !["apiVersion", "kind", "metadata", "spec"].includes(k),
  );
  for (const k of extra) problems.push(`${where}: "${k}" is not a resource field`);
  return check(section, field(resource, "spec"), specType, `${where}.spec`, options, problems);
}

/** An Istio EnvoyFilter: its own fields, and each patch value as the Envoy message it patches. */
export function checkEnvoyFilter(resource: Value, where: string): string[] {
  const patches = field(field(resource, "spec"), "configPatches");
  const applyTo = Array.isArray(patches) ? patches.map((p) => field(p, "applyTo")) : [];
  let index = 0;
  return checkResource(API.istio, resource, where, {
    durations: "gateway",
    patchValue: (value, at, problems) => {
      const target = applyTo[index++];
      const type = typeof target === "string" ? API.istio.patchValues[target] : undefined;
      if (type === undefined)
        problems.push(`${at}: no Envoy type known for applyTo ${String(target)}`);
      else check(API.envoy, value, type, at, { durations: "proto" }, problems);
    },
  });
}

export function readYaml(path: URL): Value {
  return parse(readFileSync(path, "utf8")) as Value;
}

export function readYamlDocuments(path: URL): Value[] {
  return parseAllDocuments(readFileSync(path, "utf8")).map((d) => d.toJS() as Value);
}

/** Milliseconds of a proto ("0.2s") or Gateway API ("200ms", "1s") duration. */
export function durationMs(value: Value): number {
  if (typeof value !== "string") return Number.NaN;
  let total = 0;
  let matched = "";
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    const n = Number(m[1]);
    const unit = m[2];
    total +=
      unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
    matched += m[0];
  }
  return matched === value ? total : Number.NaN;
}
