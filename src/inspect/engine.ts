/**
 * The inspection engine: a compiled signature set, immutable once built. Each ext_proc stream
 * opens an ExchangeInspector on the engine it started with; a reload builds a new engine and
 * swaps the reference, and the old one is closed when its last exchange is done.
 */
import { createHash } from "node:crypto";
import type { RedactionOptions } from "../redact/options.js";
import {
  type CompilableSignature,
  type CompiledSignatures,
  closeCompiled,
  compileSignatures,
} from "../signatures/compile.js";
import type { DatabaseCache } from "../signatures/database-cache.js";
import type { RuleExclusion } from "./exclusions.js";
import { type GroupIndex, indexGroups } from "./group-index.js";
import { DEFAULT_LIMITS, type InspectionLimits } from "./limits.js";
import { RequestInspector } from "./request-inspector.js";
import { ResponseInspector } from "./response-inspector.js";
import { ScopeCompiler } from "./scope.js";
import type { EngineInfo, ExchangeInspector, InspectionEngine, InspectionScope } from "./types.js";

export interface EngineOptions {
  /** Highest paranoia level of the signatures compiled (1-4). */
  readonly paranoia: number;
  readonly limits?: InspectionLimits;
  /** Hash of the signature set as loaded; computed from the signatures when absent. */
  readonly hash?: string;
  /** Where compiled databases are kept between runs (see database-cache.ts); none = no cache. */
  readonly cache?: DatabaseCache | undefined;
  /** Signatures that do not apply to some targets or fields (exclusions.ts). */
  readonly exclusions?: readonly RuleExclusion[];
  /** How redacting signatures rewrite response bodies (src/redact/options.ts). */
  readonly redaction?: RedactionOptions | undefined;
}

export interface CompiledEngine extends InspectionEngine {
  readonly compiled: CompiledSignatures;
  /** Frees the native databases once no exchange uses them. */
  retire(): void;
}

export function compileEngine(
  signatures: readonly CompilableSignature[],
  options: EngineOptions,
): CompiledEngine {
  const started = process.hrtime.bigint();
  const compiled = compileSignatures(signatures, {
    paranoia: options.paranoia,
    cache: options.cache,
    redaction: options.redaction,
  });
  const compileSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const info: EngineInfo = {
    hash: options.hash ?? hashSignatures(signatures),
    signatures: compiled.compiled,
    compileSeconds,
  };
  const facts = signatures.map(({ id, family, paranoia }) => ({ id, family, paranoia }));
  return new Engine(
    compiled,
    indexGroups(compiled.groups),
    options.limits ?? DEFAULT_LIMITS,
    new ScopeCompiler(facts, options.exclusions ?? []),
    info,
  );
}

class Engine implements CompiledEngine {
  private open = 0;
  private retired = false;
  private closed = false;

  constructor(
    readonly compiled: CompiledSignatures,
    private readonly index: GroupIndex,
    private readonly limits: InspectionLimits,
    private readonly scopes: ScopeCompiler,
    readonly info: EngineInfo,
  ) {}

  openExchange(): ExchangeInspector {
    if (this.closed) throw new Error("engine is closed: it was retired by a reload");
    const base = this.scopes.compile(NO_NARROWING, false);
    const request = new RequestInspector(this.index, this.limits, base.exclusions);
    const response = new ResponseInspector(
      this.index,
      this.limits,
      base.exclusions,
      this.compiled.leaks,
    );
    this.open++;
    let done = false;
    let scoped = false;
    return {
      request,
      response,
      useScope: (scope, excerpts) => {
        if (scoped) throw new Error("an exchange's inspection scope is set once");
        scoped = true;
        const compiled = this.scopes.compile(scope, excerpts);
        request.useScope(compiled);
        response.useScope(compiled);
      },
      close: () => {
        if (done) return;
        done = true;
        request.close();
        response.close();
        this.open--;
        this.maybeClose();
      },
    };
  }

  retire(): void {
    this.retired = true;
    this.maybeClose();
  }

  private maybeClose(): void {
    if (this.retired && this.open === 0 && !this.closed) {
      this.closed = true;
      closeCompiled(this.compiled);
    }
  }
}

/** The engine's own set, unnarrowed: what an exchange inspects until (unless) a route narrows it. */
const NO_NARROWING: InspectionScope = {
  paranoia: Number.POSITIVE_INFINITY,
  families: undefined,
  exclusions: [],
};

function hashSignatures(signatures: readonly CompilableSignature[]): string {
  const hash = createHash("sha256");
  for (const s of [...signatures].sort((a, b) => a.id - b.id)) {
    hash.update(JSON.stringify([s.id, s.paranoia, s.targets, s.transforms, s.pattern, s.flags]));
  }
  return hash.digest("hex");
}
