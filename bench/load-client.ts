/**
 * The load client that stands in for Envoy: a grpc-js ext_proc client that plays exchanges
 * (load/exchange.ts) against a server, in one of three modes, and reports on stdout as JSON
 * lines. The runner starts it as a child process, so its CPU never competes with the runner's
 * own bookkeeping and the server's figures can be sampled between its "measure-start" and
 * "measure-end" lines.
 *
 *   load   --target H:P --concurrency C --seconds D --warmup W --chunks N --chunk-bytes B
 *          [--kind json|form|raw] [--in-flight K | --lockstep] [--channels 1]
 *          closed loop: C exchanges always in flight for W s (not counted), then D s measured.
 *   hold   --target H:P --streams S --chunk-bytes B [--kind ...]
 *          opens S exchanges (headers + one body chunk answered each) and holds them until
 *          SIGTERM, after printing {"event":"holding"}.
 *   upload --target H:P --bytes T --chunk-bytes B [--kind raw]
 *          one exchange with a T-byte body, pipelined as Envoy does (1 MiB unanswered at most).
 */
import * as grpc from "@grpc/grpc-js";
import { type BodyKind, benignBody } from "./harness/benign-bodies.js";
import { percentileSorted } from "./harness/stats.js";
import { type ExchangePlan, type ExchangeResult, runExchange } from "./load/exchange.js";
import { type Flags, kindOf, number, parseFlags } from "./load/flags.js";
import { requestBodyMessage, requestHeadersMessage } from "./load/messages.js";
import { Samples } from "./load/samples.js";

/** Envoy's default per-connection buffer limit: unanswered STREAMED data it queues. */
const ENVOY_BUFFER_LIMIT = 1024 * 1024;

function emit(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function connect(target: string, channels: number): Promise<grpc.Client[]> {
  const clients = Array.from(
    { length: channels },
    () =>
      new grpc.Client(target, grpc.credentials.createInsecure(), {
        "grpc.use_local_subchannel_pool": 1,
        "grpc.max_receive_message_length": -1,
        "grpc.max_send_message_length": -1,
      }),
  );
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve, reject) =>
          c.waitForReady(Date.now() + 10_000, (e) => (e ? reject(e) : resolve())),
        ),
    ),
  );
  return clients;
}

function bodyPlan(
  kind: BodyKind,
  chunks: number,
  chunkBytes: number,
  inFlight: number,
  seed: number,
): ExchangePlan {
  const body = benignBody(kind, chunks * chunkBytes, seed);
  const messages = Array.from({ length: chunks }, (_, i) =>
    requestBodyMessage(body.subarray(i * chunkBytes, (i + 1) * chunkBytes), i === chunks - 1),
  );
  return {
    headers: requestHeadersMessage(kind, body.length, chunks === 0),
    chunk: (i) => messages[i] as Uint8Array,
    chunks,
    inFlight,
  };
}

function inFlightOf(flags: Flags, chunkBytes: number): number {
  if (flags.get("lockstep") === "true") return 1;
  return number(
    flags,
    "in-flight",
    Math.max(1, Math.floor(ENVOY_BUFFER_LIMIT / Math.max(chunkBytes, 1))),
  );
}

async function load(flags: Flags): Promise<void> {
  const target = flags.get("target") ?? "";
  const concurrency = number(flags, "concurrency");
  const seconds = number(flags, "seconds");
  const warmup = number(flags, "warmup", 1);
  const chunks = number(flags, "chunks");
  const chunkBytes = number(flags, "chunk-bytes");
  const kind = kindOf(flags);
  const inFlight = inFlightOf(flags, chunkBytes);
  const plans = Array.from({ length: 8 }, (_, i) =>
    bodyPlan(kind, chunks, chunkBytes, inFlight, i + 1),
  );
  const clients = await connect(target, number(flags, "channels", 1));

  let measuring = false;
  let stopping = false;
  let exchanges = 0;
  let blocked = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const messageMs = new Samples();
  const exchangeMs = new Samples();
  const record = (ms: number) => {
    if (measuring) messageMs.add(ms);
  };
  const count = (result: ExchangeResult, ms: number) => {
    if (!measuring) return;
    if (result.outcome === "completed") exchanges++;
    else if (result.outcome === "blocked") blocked++;
    else {
      failed++;
      firstFailure ??= result.detail;
    }
    exchangeMs.add(ms);
  };
  const worker = async (w: number) => {
    const client = clients[w % clients.length] as grpc.Client;
    for (let n = 0; !stopping; n++) {
      const started = performance.now();
      const result = await runExchange(
        client,
        plans[(w + n) % plans.length] as ExchangePlan,
        record,
      );
      count(result, performance.now() - started);
    }
  };
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, warmup * 1000));
  emit({ event: "measure-start" });
  const cpu = process.cpuUsage();
  const started = performance.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  emit({ event: "measure-end" });
  stopping = true;
  await Promise.race([Promise.all(workers), new Promise((r) => setTimeout(r, 10_000))]);
  for (const c of clients) c.close();
  const msg = messageMs.sorted();
  const exch = exchangeMs.sorted();
  emit({
    event: "result",
    exchanges,
    blocked,
    failed,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    seconds: elapsed,
    rate: exchanges / elapsed,
    messages: msg.length,
    msgP50: percentileSorted(msg, 50),
    msgP99: percentileSorted(msg, 99),
    exchangeP50: percentileSorted(exch, 50),
    exchangeP99: percentileSorted(exch, 99),
    clientCpu: (used.user + used.system) / 1e6 / elapsed,
  });
}

async function hold(flags: Flags): Promise<void> {
  const streams = number(flags, "streams");
  const chunkBytes = number(flags, "chunk-bytes", 1024);
  const kind = kindOf(flags);
  const clients = await connect(flags.get("target") ?? "", number(flags, "channels", 1));
  const plan: ExchangePlan = { ...bodyPlan(kind, 2, chunkBytes, 1, 1), holdAfterFirstChunk: true };
  const results = await Promise.all(
    Array.from({ length: streams }, (_, i) =>
      runExchange(clients[i % clients.length] as grpc.Client, plan, () => {}),
    ),
  );
  const held = results.filter((r) => r.outcome === "held").length;
  const problem = results.find((r) => r.outcome !== "held");
  emit({
    event: "holding",
    streams: held,
    ...(problem === undefined
      ? {}
      : { firstFailure: `${problem.outcome} ${problem.detail ?? ""}` }),
  });
  await new Promise<void>((resolve) => process.once("SIGTERM", () => resolve()));
  for (const r of results) r.call.cancel();
  for (const c of clients) c.close();
}

async function upload(flags: Flags): Promise<void> {
  const bytes = number(flags, "bytes");
  const chunkBytes = number(flags, "chunk-bytes", 64 * 1024);
  const kind = kindOf(flags);
  const chunks = Math.ceil(bytes / chunkBytes);
  const pool = benignBody(kind, 16 * chunkBytes, 1);
  const middle = Array.from({ length: 16 }, (_, i) =>
    requestBodyMessage(pool.subarray(i * chunkBytes, (i + 1) * chunkBytes), false),
  );
  const last = requestBodyMessage(pool.subarray(0, bytes - (chunks - 1) * chunkBytes), true);
  const plan: ExchangePlan = {
    headers: requestHeadersMessage(kind, bytes, false),
    chunk: (i) => (i === chunks - 1 ? last : (middle[i % middle.length] as Uint8Array)),
    chunks,
    inFlight: inFlightOf(flags, chunkBytes),
  };
  const [client] = await connect(flags.get("target") ?? "", 1);
  emit({ event: "upload-start" });
  const started = performance.now();
  const result = await runExchange(client as grpc.Client, plan, () => {});
  const seconds = (performance.now() - started) / 1000;
  emit({
    event: "result",
    outcome: result.outcome,
    detail: result.detail ?? "",
    seconds,
    mbps: bytes / seconds / 1e6,
  });
  client?.close();
}

const [mode, ...rest] = process.argv.slice(2);
const flags = parseFlags(rest);
const modes: Record<string, (f: Flags) => Promise<void>> = { load, hold, upload };
const run = mode === undefined ? undefined : modes[mode];
if (run === undefined) {
  process.stderr.write("usage: load-client.js load|hold|upload --target HOST:PORT ...\n");
  process.exit(2);
}
await run(flags);
process.exit(0);
