/**
 * Command-line options of `npm run bench` and the two profiles: the full run (< 10 minutes on
 * the 2-vCPU project machine) and `--quick` (about 1-2 minutes, fewer bytes and repetitions,
 * same shape). Every size and count a section uses comes from the profile, so a section never
 * hard-codes how long it runs.
 */

/** In run order: memory runs before grpc so it sees a fresh server; startup collects last. */
export const SECTION_NAMES = [
  "signatures",
  "body",
  "memory",
  "streams",
  "grpc",
  "scaling",
  "modsec",
  "startup",
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** One gRPC load: the exchange's body, and the concurrencies it is run at. */
export interface GrpcShape {
  readonly kind: "raw" | "form" | "json";
  readonly chunks: number;
  readonly chunkBytes: number;
  readonly concurrencies: readonly number[];
}

export interface Profile {
  readonly name: "full" | "quick";
  /** Warm-up rounds and kept rounds of every interleaved measurement. */
  readonly warmups: number;
  readonly repetitions: number;
  /** Body scan: most bytes scanned per configuration and run (the data file's size). */
  readonly scanBytes: number;
  /** Body scan: a run stops after the body that ends past this many seconds. */
  readonly scanSeconds: number;
  /** Body scan: size of one exchange's body. */
  readonly scanBodyBytes: number;
  readonly scanChunkSizes: readonly number[];
  /** gRPC: seconds measured per run (after `grpcWarmupSeconds` of unmeasured load). */
  readonly grpcSeconds: number;
  readonly grpcWarmupSeconds: number;
  readonly grpcShapes: readonly GrpcShape[];
  /** Compile every paranoia level too (20 s or so more), not only the default one. */
  readonly compileAllLevels: boolean;
  /** Memory: streams held open, and the large / small upload sizes (64 KiB chunks). */
  readonly heldStreams: number;
  readonly largeUploadBytes: number;
  readonly smallUploadBytes: number;
  /** Start-up: how many times the server is started. */
  readonly startups: number;
  /** Streams: exchanges held in one process to measure memory per stream. */
  readonly streamMemoryStreams: number;
  /** Scaling: the load run against 1 and 2 workers (seconds measured per run). */
  readonly scalingShape: GrpcShape;
  readonly scalingSeconds: number;
  /** ModSecurity comparison: CRS regression requests sampled, and runs per request. */
  readonly modsecCorpusSample: number;
  readonly modsecRepeats: {
    readonly corpus: number;
    readonly small: number;
    readonly large: number;
  };
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const FULL: Profile = {
  name: "full",
  warmups: 1,
  repetitions: 3,
  scanBytes: 64 * MiB,
  scanSeconds: 2,
  scanBodyBytes: 256 * KiB,
  scanChunkSizes: [1 * KiB, 16 * KiB, 64 * KiB],
  grpcSeconds: 4,
  grpcWarmupSeconds: 1,
  grpcShapes: [
    { kind: "json", chunks: 8, chunkBytes: 1 * KiB, concurrencies: [1, 32, 256] },
    { kind: "raw", chunks: 8, chunkBytes: 64 * KiB, concurrencies: [32] },
  ],
  compileAllLevels: true,
  heldStreams: 1000,
  largeUploadBytes: 1024 * MiB,
  smallUploadBytes: 1 * MiB,
  startups: 3,
  streamMemoryStreams: 1000,
  scalingShape: { kind: "json", chunks: 8, chunkBytes: 1 * KiB, concurrencies: [32] },
  scalingSeconds: 4,
  modsecCorpusSample: 300,
  modsecRepeats: { corpus: 3, small: 20, large: 3 },
};

export const QUICK: Profile = {
  ...FULL,
  name: "quick",
  warmups: 1,
  repetitions: 1,
  scanBytes: 8 * MiB,
  scanSeconds: 0.75,
  grpcSeconds: 2,
  grpcWarmupSeconds: 0.5,
  compileAllLevels: false,
  largeUploadBytes: 256 * MiB,
  startups: 1,
  scalingSeconds: 2,
  modsecCorpusSample: 100,
  modsecRepeats: { corpus: 1, small: 5, large: 1 },
};

export interface BenchOptions {
  readonly profile: Profile;
  readonly sections: ReadonlySet<SectionName>;
}

const USAGE = `usage: npm run bench -- [--quick] [--only ${SECTION_NAMES.join(",")}]`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let profile = FULL;
  let sections: Set<SectionName> = new Set(SECTION_NAMES);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") {
      profile = QUICK;
    } else if (arg === "--only") {
      const list = argv[++i];
      if (list === undefined) throw new Error(`--only needs a list of sections\n${USAGE}`);
      sections = new Set();
      for (const name of list.split(",")) {
        if (!(SECTION_NAMES as readonly string[]).includes(name)) {
          throw new Error(`--only: unknown section '${name}'\n${USAGE}`);
        }
        sections.add(name as SectionName);
      }
    } else if (arg === "--help" || arg === "-h") {
      throw new Error(USAGE);
    } else {
      throw new Error(`unknown argument '${arg}'\n${USAGE}`);
    }
  }
  return { profile, sections };
}
