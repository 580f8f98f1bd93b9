/**
 * Builds what a stream is served with from a loaded configuration: reads the TLS files, loads
 * the signature directories, checks the ids the exclusions name, compiles the engine with the
 * configured limits, and pairs it with the route policies. Used at start and on every reload,
 * so both refuse exactly the same things; the result is either a complete Runtime or every
 * reason it could not be built (the running one is then kept).
 */
import type {
  compileSignatureSet,
  LoadedSignatureSet,
  loadSignatureSet,
} from "../cli/engine-wiring.js";
import { compileParanoia } from "../config/file/policies.js";
import { formatProblem } from "../config/file/problems.js";
import { unknownSignatureProblems } from "../config/file/signature-refs.js";
import type { ServeConfigLoad } from "../config/load-serve-config.js";
import type { ServeConfig } from "../config/serve-config.js";
import { readTlsMaterial, type TlsFileName, type TlsMaterial } from "../config/tls.js";
import type { Logger } from "../log/logger.js";
import type { SignatureCounts } from "../metrics/metrics.js";
import type { Runtime } from "../server/runtime.js";
import { inputFingerprint } from "./fingerprint.js";
import { loadSignatureDirs, signatureSourceName } from "./signature-dirs.js";
import type { WarmCache, WarmedCache } from "./warm-cache.js";

export interface BuildDeps {
  readonly loadSignatureSet: typeof loadSignatureSet;
  readonly compileSignatureSet: typeof compileSignatureSet;
  readonly log: Logger;
  /**
   * Compiles into the database cache off the serving thread first (reloads: warm-cache.ts);
   * absent at start, when nothing is being served yet.
   */
  readonly warmCache?: WarmCache;
}

/** A successfully loaded configuration (the `ok` side of ServeConfigLoad). */
export type LoadedConfig = Extract<ServeConfigLoad, { readonly ok: true }>;

export interface BuiltRuntime {
  readonly config: ServeConfig;
  readonly runtime: Runtime;
  readonly counts: SignatureCounts;
  readonly tls: TlsMaterial | undefined;
  /** inputFingerprint() of what this build read. */
  readonly fingerprint: string;
  /** The signature directories, for logs: "built-in", or paths. */
  readonly signatures: string;
}

export type RuntimeBuild =
  | { readonly ok: true; readonly built: BuiltRuntime }
  | { readonly ok: false; readonly errors: readonly string[] };

/** What a configuration reads before compiling: TLS files and signatures, checked. */
export interface CheckedInputs {
  readonly set: LoadedSignatureSet;
  readonly tls: TlsMaterial | undefined;
  /** The level the engine compiles at: the highest any route asks for. */
  readonly paranoia: number;
  /** The signature directories, for logs: "built-in", or paths. */
  readonly signatures: string;
}

export type InputCheck =
  | ({ readonly ok: true } & CheckedInputs)
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Reads the TLS files, loads the signature directories and checks the ids the exclusions name:
 * everything but the compile (`weir config check` stops here).
 */
export async function checkInputs(
  loaded: LoadedConfig,
  load: typeof loadSignatureSet,
  preloaded?: LoadedSignatureSet,
): Promise<InputCheck> {
  const { config } = loaded;
  let tls: TlsMaterial | undefined;
  if (config.tls !== undefined) {
    const read = await readTlsMaterial(config.tls.files);
    if (!read.ok) {
      return {
        ok: false,
        errors: read.problems.map((p) => tlsProblem(loaded, p.which, p.message)),
      };
    }
    tls = read.material;
  }
  const signatures = signatureSourceName(config.signaturesDirs);
  const paranoia = compileParanoia(config.policies);
  const set = preloaded ?? (await loadSignatureDirs(config.signaturesDirs, paranoia, load));
  if (set.unusable !== undefined) {
    return { ok: false, errors: [`signature set unusable: ${set.unusable}`] };
  }
  const known = new Set<number>();
  for (const entry of [...set.report.loaded, ...set.report.skipped, ...set.report.failed]) {
    if (typeof entry.id === "number") known.add(entry.id);
  }
  const unknown = unknownSignatureProblems(loaded.signatureRefs, known, signatures);
  if (unknown.length > 0) return { ok: false, errors: unknown.map(formatProblem) };
  return { ok: true, set, tls, paranoia, signatures };
}

export async function buildRuntime(
  loaded: LoadedConfig,
  generation: number,
  deps: BuildDeps,
): Promise<RuntimeBuild> {
  const { config } = loaded;
  const fingerprint = await inputFingerprint(config);
  const fail = (errors: readonly string[]): RuntimeBuild => ({ ok: false, errors });
  const warmed = await warm(config, deps);
  try {
    const inputs = await checkInputs(loaded, deps.loadSignatureSet, warmed?.set);
    if (!inputs.ok) return fail(inputs.errors);
    return await compile(inputs, warmed?.cacheDir ?? config.cacheDir);
  } finally {
    await warmed?.cleanup();
  }

  async function compile(
    inputs: CheckedInputs,
    cacheDir: string | undefined,
  ): Promise<RuntimeBuild> {
    const { set, tls, paranoia, signatures } = inputs;
    let compiled: Awaited<ReturnType<typeof compileSignatureSet>>;
    try {
      compiled = await deps.compileSignatureSet(
        set,
        paranoia,
        cacheDir,
        (what, error) => deps.log.warn(what, { error: String(error) }),
        { limits: config.limits, redaction: config.redaction },
      );
    } catch (error: unknown) {
      return fail([`compile failed: ${error instanceof Error ? error.message : String(error)}`]);
    }
    // A skip is a choice (paranoia level): debug. A failure is a defect: warn.
    for (const p of [...set.problems, ...compiled.problems]) {
      const fields = { signature_id: p.id, reason: p.reason };
      if (p.state === "failed") deps.log.warn("signature failed", fields);
      else deps.log.debug("signature skipped", fields);
    }
    if (compiled.counts.loaded === 0) {
      retireEngine(compiled.engine);
      return fail([`no signature compiled from ${signatures}`]);
    }
    return {
      ok: true,
      built: {
        config,
        runtime: { engine: compiled.engine, policies: config.policies, generation },
        counts: compiled.counts,
        tls,
        fingerprint,
        signatures,
      },
    };
  }
}

/** Runs deps.warmCache when given; on failure everything happens on this thread. */
async function warm(config: ServeConfig, deps: BuildDeps): Promise<WarmedCache | undefined> {
  if (deps.warmCache === undefined) return undefined;
  try {
    const warmed = await deps.warmCache(
      config.signaturesDirs,
      compileParanoia(config.policies),
      config.cacheDir,
    );
    for (const error of warmed.cacheErrors) deps.log.warn("database cache", { error });
    return warmed;
  } catch (error: unknown) {
    deps.log.warn("loading and compiling on the serving thread: the compile worker failed", {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

const TLS_FLAGS: Readonly<Record<TlsFileName, string>> = {
  cert: "--tls-cert",
  key: "--tls-key",
  clientCa: "--tls-client-ca",
};

/** At the file's tls key when the path came from the file, else naming the flag. */
function tlsProblem(loaded: LoadedConfig, which: TlsFileName, message: string): string {
  const file = loaded.file;
  const used = loaded.config.tls?.files[which];
  if (file !== undefined && used !== undefined && file.paths.tls[which] === used) {
    return formatProblem(file.yaml.problem(["tls", which], message));
  }
  return `${TLS_FLAGS[which]}: ${message}`;
}

/** Frees an engine's native databases once its last exchange is done (engines that can). */
export function retireEngine(engine: Runtime["engine"]): void {
  const retirable = engine as { retire?: unknown };
  if (typeof retirable.retire === "function") (retirable.retire as () => void).call(engine);
}
