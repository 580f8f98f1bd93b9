/**
 * The FIFO of body chunks Envoy keeps while their BodyResponses are outstanding (STREAMED) or
 * while it gathers a partial buffer (BUFFERED_PARTIAL): each chunk's bytes are held here and
 * released, mutated or not, only when its response arrives (processor_state ChunkQueue).
 */
import type { BodyMutation } from "../gen/envoy/service/ext_proc/v3/external_processor_pb.js";

export interface QueuedChunk {
  bytes: Uint8Array;
  endStream: boolean;
}

export class ChunkQueue {
  private chunks: QueuedChunk[] = [];
  private total = 0;

  get empty(): boolean {
    return this.chunks.length === 0;
  }

  /** Bytes held and not yet answered (Envoy's bytes_enqueued_). */
  get bytes(): number {
    return this.total;
  }

  push(bytes: Uint8Array, endStream: boolean): void {
    this.chunks.push({ bytes, endStream });
    this.total += bytes.length;
  }

  pop(): QueuedChunk | undefined {
    const chunk = this.chunks.shift();
    if (chunk) this.total -= chunk.bytes.length;
    return chunk;
  }

  /** Merges everything queued into one chunk carrying the last chunk's end_stream. */
  consolidate(): QueuedChunk {
    const last = this.chunks[this.chunks.length - 1];
    const merged: QueuedChunk = {
      bytes: concatBytes(this.chunks.map((c) => c.bytes)),
      endStream: last?.endStream ?? false,
    };
    this.chunks = [merged];
    return merged;
  }

  clear(): void {
    this.chunks = [];
    this.total = 0;
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  return Buffer.concat(parts);
}

/**
 * MutationUtils::applyBodyMutations: `body` replaces the data (even with nothing), `clear_body`
 * empties it when true; anything else (no oneof arm, streamed_response) leaves it unchanged.
 */
export function applyBodyMutation(
  data: Uint8Array,
  mutation: BodyMutation | undefined,
): Uint8Array {
  switch (mutation?.mutation.case) {
    case "body":
      return mutation.mutation.value;
    case "clearBody":
      return mutation.mutation.value ? new Uint8Array(0) : data;
    default:
      return data;
  }
}

/** The length Envoy compares with content-length in BUFFERED mode (`body_mutation().body().size()`). */
export function mutatedBodyLength(mutation: BodyMutation): number {
  return mutation.mutation.case === "body" ? mutation.mutation.value.length : 0;
}
