/**
 * Applies a server HeaderMutation the way Envoy's ext_proc does (contract §2.E): only
 * `raw_value` is read, only the deprecated `append` flag counts, removals run first, and the
 * default mutation rules silently ignore changes to routing, x-envoy-* and pseudo-headers.
 * Invalid characters and oversized mutations are errors that end the exchange.
 */
import type { HeaderMutation } from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";
import type { MutationRulesConfig } from "./config.js";
import {
  addHeader,
  bytesToByteString,
  hasHeader,
  headerBytes,
  isValidHeaderName,
  isValidHeaderValue,
  removeHeader,
  setHeader,
} from "./headers.js";
import type { HeaderList } from "./types.js";

export interface MutationContext {
  rules: MutationRulesConfig;
  maxHeadersCount: number;
  maxHeadersKb: number;
  /** CONTINUE_AND_REPLACE in a HeadersResponse: `:method` may change. */
  replacingMessage: boolean;
  /** Modes where Envoy strips content-length: a `content-length` set is skipped (§2.E-6). */
  removeContentLength: boolean;
}

/** `ok` with the number of ignored (rejected but tolerated) entries, or an error detail. */
export type MutationResult = { ok: true; ignored: number } | { ok: false; details: string };

type Operation = "set" | "append" | "remove";
type Check = "ok" | "ignore" | "fail";

/** Mutates `headers` in place. On error the list may be partly mutated, as in Envoy. */
export function applyHeaderMutation(
  headers: HeaderList,
  mutation: HeaderMutation,
  context: MutationContext,
): MutationResult {
  const max = context.maxHeadersCount;
  if (mutation.removeHeaders.length > max || mutation.setHeaders.length > max) {
    return { ok: false, details: "header_mutation_count_exceeds_limit" };
  }
  let ignored = 0;
  for (const raw of mutation.removeHeaders) {
    if (!isValidHeaderName(raw)) {
      return { ok: false, details: "header_mutation_remove_contains_invalid_character" };
    }
    const name = raw.toLowerCase();
    const check = checkRule("remove", name, "", context.rules);
    if (check === "fail") return { ok: false, details: `invalid_attempt_to_remove_${name}` };
    if (check === "ignore") ignored++;
    else removeHeader(headers, name);
  }
  for (const option of mutation.setHeaders) {
    const header = option.header;
    if (header === undefined) continue;
    const value = bytesToByteString(header.rawValue);
    if (!isValidHeaderName(header.key) || !isValidHeaderValue(value)) {
      return { ok: false, details: "header_mutation_set_contains_invalid_character" };
    }
    const name = header.key.toLowerCase();
    const append = option.append === true;
    const operation: Operation = append && hasHeader(headers, name) ? "append" : "set";
    let check = checkRule(operation, name, value, context.rules);
    if (context.replacingMessage && name === ":method") check = "ok";
    if (name === "content-length" && context.removeContentLength) check = "ignore";
    if (check === "fail") return { ok: false, details: `invalid_attempt_to_modify_${name}` };
    if (check === "ignore") {
      ignored++;
      continue;
    }
    if (append) addHeader(headers, name, value);
    else setHeader(headers, name, value);
  }
  if (headers.length > max || headerBytes(headers) > context.maxHeadersKb * 1024) {
    return { ok: false, details: "header_mutation_result_exceeds_limit" };
  }
  return { ok: true, ignored };
}

/** mutation_rules.cc Checker::check with the rule subset we support. */
function checkRule(op: Operation, name: string, value: string, rules: MutationRulesConfig): Check {
  const refused: Check = rules.disallowIsError ? "fail" : "ignore";
  if (!isValidValueFor(name, value, op)) return refused;
  return isAllowed(op, name, rules) ? "ok" : refused;
}

function isAllowed(op: Operation, name: string, rules: MutationRulesConfig): boolean {
  if (name.startsWith(":") || name === "host") {
    if (op !== "set") return false; // never removed, never appended to
    if (rules.disallowSystem) return false;
    if (name === ":authority" || name === "host" || name === ":method" || name === ":scheme") {
      return rules.allowAllRouting;
    }
    return true; // :path, :status (value-checked)
  }
  if (name.startsWith("x-envoy")) return rules.allowEnvoy;
  return true;
}

function isValidValueFor(name: string, value: string, op: Operation): boolean {
  if (op === "remove") return true;
  switch (name) {
    case ":status": {
      if (!/^[0-9]{3}$/.test(value)) return false;
      return Number(value) >= 200;
    }
    case ":scheme":
      return value === "http" || value === "https";
    case ":authority":
    case "host":
      return /^[^\s/?#@]+$/.test(value);
    default:
      return true;
  }
}
