/**
 * Sends one corpus request through an inspection engine as Envoy's ext_proc filter would in
 * STREAMED mode (pseudo-headers first, Host as :authority, then the body in chunks) and decides
 * after every message with weir's policy, as `weir scan` and the ext_proc server do. A request
 * is replayed once whole and then at seeded random splits of its body into 2 to 8 chunks; the
 * outcome records whether any replay blocked and the ids that fired.
 */
import type { HeaderEntry, InspectionEngine, Match } from "../../src/inspect/types.js";
import { decide, type PolicyConfig } from "../../src/policy/decide.js";
import { bodyBytes, type FpRequest } from "./corpus-format.js";
import { Random } from "./random.js";

export interface Replay {
  /** Body chunk lengths (empty for a request without a body). */
  readonly chunks: readonly number[];
  readonly blocked: boolean;
  /** Distinct signature ids that fired, ascending. */
  readonly ids: readonly number[];
}

export interface Outcome {
  readonly request: FpRequest;
  readonly replays: readonly Replay[];
  readonly blocked: boolean;
  /** Ids that fired in a replay that blocked. */
  readonly blockIds: readonly number[];
  /** Ids that fired in any replay. */
  readonly ids: readonly number[];
}

const encoder = new TextEncoder();

export function headerEntries(request: FpRequest, bodyLength: number | undefined): HeaderEntry[] {
  const host = request.headers.find(([k]) => k === "host")?.[1] ?? "";
  const entries: HeaderEntry[] = [
    { key: ":authority", value: encoder.encode(host) },
    { key: ":path", value: encoder.encode(request.path) },
    { key: ":method", value: encoder.encode(request.method) },
    { key: ":scheme", value: encoder.encode("https") },
  ];
  for (const [key, value] of request.headers) {
    if (key !== "host") entries.push({ key, value: encoder.encode(value) });
  }
  if (request.content_type !== undefined) {
    entries.push({ key: "content-type", value: encoder.encode(request.content_type) });
  }
  if (bodyLength !== undefined) {
    entries.push({ key: "content-length", value: encoder.encode(String(bodyLength)) });
  }
  return entries;
}

/** Cut points for `pieces` chunks of a body of `length` bytes (sorted, distinct, inside). */
function cuts(rng: Random, length: number, pieces: number): number[] {
  const points = new Set<number>();
  while (points.size < Math.min(pieces - 1, length - 1)) points.add(rng.int(1, length - 1));
  return [...points].sort((a, b) => a - b);
}

function split(body: Uint8Array, at: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const point of [...at, body.length]) {
    out.push(body.subarray(from, point));
    from = point;
  }
  return out;
}

async function replay(
  engine: InspectionEngine,
  request: FpRequest,
  chunks: readonly Uint8Array[] | undefined,
  policy: PolicyConfig,
): Promise<Replay> {
  const exchange = engine.openExchange();
  try {
    const all: Match[] = [];
    let blocked = false;
    const step = (fresh: readonly Match[]) => {
      all.push(...fresh);
      if (decide(all, fresh, policy).kind === "block") blocked = true;
    };
    const length = chunks?.reduce((n, c) => n + c.length, 0);
    step(exchange.request.headers(headerEntries(request, length), chunks === undefined));
    for (const [i, chunk] of (chunks ?? []).entries()) {
      step(await exchange.request.body(chunk, i === (chunks ?? []).length - 1));
    }
    const ids = [...new Set(all.map((m) => m.signatureId))].sort((a, b) => a - b);
    return { chunks: chunks?.map((c) => c.length) ?? [], blocked, ids };
  } finally {
    exchange.close();
  }
}

/** Replays `request` whole and at `splits` random splits (seeded by `seed`). */
export async function replayRequest(
  engine: InspectionEngine,
  request: FpRequest,
  policy: PolicyConfig,
  seed: number,
  splits: number,
): Promise<Outcome> {
  const body = bodyBytes(request);
  const replays: Replay[] = [];
  if (body === undefined || body.length === 0) {
    replays.push(await replay(engine, request, body === undefined ? undefined : [body], policy));
  } else {
    const rng = new Random(seed);
    replays.push(await replay(engine, request, [body], policy));
    for (let i = 0; i < splits && body.length > 1; i++) {
      const at = cuts(rng, body.length, rng.int(2, 8));
      replays.push(await replay(engine, request, split(body, at), policy));
    }
  }
  const blockIds = new Set(replays.filter((r) => r.blocked).flatMap((r) => r.ids));
  const ids = new Set(replays.flatMap((r) => r.ids));
  return {
    request,
    replays,
    blocked: replays.some((r) => r.blocked),
    blockIds: [...blockIds].sort((a, b) => a - b),
    ids: [...ids].sort((a, b) => a - b),
  };
}
