/**
 * Checks the JSON Schema cannot express, run once the schema has accepted the document: route
 * names used twice, routes that can never be chosen because an earlier one catches all their
 * requests, exclusions that name nothing or a field of a target that has no fields, charsets
 * weir cannot read, listen addresses, and TLS settings that only make sense together. Each
 * problem names the file, line and path, as schema problems do. Checks that need the disk
 * (paths) or the loaded signatures (ids) are in paths.ts and signature-refs.ts.
 */
import { knownCharset } from "../../decode/charset.js";
import type { Target } from "../../inspect/types.js";
import { NAMED_TARGETS } from "../../signatures/types.js";
import { ListenSyntaxError, parseListen } from "../listen.js";
import type { ConfigDocument, ExclusionDocument, RouteDocument } from "./document.js";
import type { DocPath, LocatedYaml } from "./located-yaml.js";
import type { ConfigProblem } from "./problems.js";

export function semanticProblems(doc: ConfigDocument, yaml: LocatedYaml): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: DocPath, message: string) => problems.push(yaml.problem(path, message));
  checkListen(doc.listeners?.grpc?.address, ["listeners", "grpc", "address"], add);
  checkListen(doc.listeners?.metrics?.address, ["listeners", "metrics", "address"], add);
  checkCharsets(doc.limits?.charsets ?? [], add);
  checkTls(doc.tls, add);
  checkExclusions(doc.exclusions ?? [], ["exclusions"], add);
  const routes = doc.routes ?? [];
  routes.forEach((route, i) => {
    checkExclusions(route.exclusions ?? [], ["routes", i, "exclusions"], add);
  });
  checkRouteNames(routes, add);
  checkShadowedRoutes(routes, add);
  return problems;
}

type Add = (path: DocPath, message: string) => void;

function checkListen(address: string | undefined, path: DocPath, add: Add): void {
  if (address === undefined) return;
  try {
    parseListen(address);
  } catch (error: unknown) {
    if (!(error instanceof ListenSyntaxError)) throw error;
    add(path, `${address} is not valid (${error.message}): expected HOST:PORT, e.g. 0.0.0.0:50051`);
  }
}

function checkCharsets(charsets: readonly string[], add: Add): void {
  charsets.forEach((label, i) => {
    if (knownCharset(label) === undefined) {
      add(
        ["limits", "charsets", i],
        `${label} is not a charset weir can read: expected a charset name or alias such as ` +
          "utf-8, iso-8859-1, windows-1252, utf-16le or shift_jis",
      );
    }
  });
}

function checkTls(tls: ConfigDocument["tls"], add: Add): void {
  if (tls === undefined) return;
  const hasCert = tls.cert !== undefined;
  const hasKey = tls.key !== undefined;
  if (hasCert !== hasKey) {
    add(
      ["tls", hasCert ? "cert" : "key"],
      "tls.cert and tls.key go together: set both, or neither",
    );
  }
  if (tls.clientCa !== undefined && !hasCert) {
    add(
      ["tls", "clientCa"],
      "client certificates are verified only on a TLS listener: set tls.cert and tls.key too",
    );
  }
  if (tls.requireClientCert === true && tls.clientCa === undefined) {
    add(
      ["tls", "requireClientCert"],
      "needs tls.clientCa, the CA bundle that client certificates must chain to",
    );
  }
  if (tls.requireClientCert === false && tls.clientCa !== undefined) {
    add(
      ["tls", "requireClientCert"],
      "false with tls.clientCa set is not supported: grpc-js verifies a client certificate only " +
        "when it requires one; remove clientCa, or set requireClientCert: true",
    );
  }
}

function checkExclusions(exclusions: readonly ExclusionDocument[], at: DocPath, add: Add): void {
  exclusions.forEach((exclusion, i) => {
    const path = [...at, i];
    if (exclusion.signatures === undefined && exclusion.families === undefined) {
      add(path, "names no signatures and no families: say which signatures it excludes");
    }
    (exclusion.fields ?? []).forEach((field, j) => {
      const { target, name } = splitField(field);
      if (name !== undefined && !NAMED_TARGETS.has(target)) {
        add(
          [...path, "fields", j],
          `${target} has no named fields: write ${target} alone (named targets: ` +
            `${[...NAMED_TARGETS].join(", ")})`,
        );
      }
    });
  });
}

/** `args:comment` → args + comment; the schema has already checked the target name. */
export function splitField(field: string): { target: Target; name: string | undefined } {
  const colon = field.indexOf(":");
  if (colon < 0) return { target: field as Target, name: undefined };
  return { target: field.slice(0, colon) as Target, name: field.slice(colon + 1) };
}

function checkRouteNames(routes: readonly RouteDocument[], add: Add): void {
  const first = new Map<string, number>();
  routes.forEach((route, i) => {
    const earlier = first.get(route.name);
    if (earlier === undefined) first.set(route.name, i);
    else add(["routes", i, "name"], `${route.name} is already the name of routes[${earlier}]`);
  });
}

function checkShadowedRoutes(routes: readonly RouteDocument[], add: Add): void {
  routes.forEach((route, i) => {
    const shadow = routes.slice(0, i).findIndex((earlier) => covers(earlier.match, route.match));
    if (shadow < 0) return;
    add(
      ["routes", i, "match"],
      `route ${route.name} is never chosen: routes[${shadow}] (${routes[shadow]?.name ?? ""}) ` +
        "comes first and matches every request this one matches; put the more specific route first",
    );
  });
}

/** True when every request `later` matches is matched by `earlier` too. */
function covers(earlier: RouteDocument["match"], later: RouteDocument["match"]): boolean {
  if (earlier.routeName !== undefined && later.routeName !== earlier.routeName) return false;
  if (earlier.host !== undefined) {
    if (later.host === undefined || !hostCovers(earlier.host, later.host)) return false;
  }
  if (earlier.pathPrefix !== undefined) {
    if (later.pathPrefix === undefined || !later.pathPrefix.startsWith(earlier.pathPrefix)) {
      return false;
    }
  }
  return true;
}

function hostCovers(earlier: string, later: string): boolean {
  const a = earlier.toLowerCase();
  const b = later.toLowerCase();
  if (a === b) return true;
  // *.example.com covers api.example.com and *.api.example.com, not example.com.
  return a.startsWith("*.") && b.endsWith(a.slice(1));
}
