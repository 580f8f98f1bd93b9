/**
 * Body bytes weir holds in memory between receiving a message and answering it, summed over
 * every stream of the process (issue 3, shared case 51). A message answered synchronously is
 * never counted: it is only "in flight" when its answer waits (a Content-Encoding being undone, a
 * large message inspected in slices) or when it queues behind such a message of its stream.
 * Envoy has no flow control towards a slow processor in FULL_DUPLEX_STREAMED (contract §2.C
 * C6-7), so this is the number that grows when weir falls behind; above the ceiling new streams
 * are refused (overload.ts) while the streams in flight finish.
 */
import { isMessage } from "@bufbuild/protobuf";
import { ProcessingRequestSchema } from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";

export class InflightBodyBytes {
  #bytes = 0;

  /**
   * `ceiling`: above this many bytes new streams are refused; 0 = no ceiling (only counted).
   * `report` sees the total after every change (the `weir_inflight_body_bytes` gauge).
   */
  constructor(
    readonly ceiling: number,
    private readonly report: (bytes: number) => void = () => {},
  ) {
    if (!Number.isSafeInteger(ceiling) || ceiling < 0) {
      throw new RangeError(`maxInflightBodyBytes must be an integer >= 0, got ${ceiling}`);
    }
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** True when a ceiling is set and the bytes in flight are above it. */
  get overCeiling(): boolean {
    return this.ceiling > 0 && this.#bytes > this.ceiling;
  }

  add(bytes: number): void {
    if (bytes <= 0) return;
    this.#bytes += bytes;
    this.report(this.#bytes);
  }

  remove(bytes: number): void {
    if (bytes <= 0) return;
    this.#bytes = Math.max(0, this.#bytes - bytes);
    this.report(this.#bytes);
  }
}

/** Body bytes of a message (0 for headers, trailers, and anything that is not a message). */
export function bodyBytesOf(item: unknown): number {
  if (!isMessage(item, ProcessingRequestSchema)) return 0;
  const request = item.request;
  return request.case === "requestBody" || request.case === "responseBody"
    ? request.value.body.byteLength
    : 0;
}
