/**
 * A signature group's transform chain (CRS `t:` names) applied to one value in pieces: each
 * stage is a streaming Transform, stages are wired once, and the end of a value flushes them
 * in order. With no transforms the chain is the identity and costs nothing.
 *
 * A value transformed whole, within one synchronous call (`whole`: push, then flush), leaves
 * nothing carried in the chain, so one chain per group serves every exchange of the process
 * (`sharedChain`); only a value that arrives in pieces needs a chain of its own.
 */
import { createTransform } from "../decode/transforms/index.js";
import type { Transform } from "../decode/types.js";

export type Sink = (bytes: Uint8Array) => void;

export class TransformChain {
  private readonly stages: Transform[];
  /** emitters[i] receives stage i's output and feeds stage i+1 (or the sink). */
  private readonly emitters: Sink[];
  private sink: Sink = () => {};

  constructor(names: readonly string[]) {
    this.stages = names.map((name) => createTransform(name));
    this.emitters = this.stages.map((_, i) => {
      const next = this.stages[i + 1];
      if (next === undefined) return (bytes: Uint8Array) => this.sink(bytes);
      const nextEmit = (bytes: Uint8Array) => this.emitters[i + 1]?.(bytes);
      return (bytes: Uint8Array) => next.push(bytes, nextEmit);
    });
  }

  get identity(): boolean {
    return this.stages.length === 0;
  }

  push(input: Uint8Array, sink: Sink): void {
    const first = this.stages[0];
    const emit = this.emitters[0];
    if (first === undefined || emit === undefined) {
      sink(input);
      return;
    }
    this.sink = sink;
    first.push(input, emit);
  }

  /**
   * A whole value: push, then flush. If a stage throws, the chain is flushed into nothing, so
   * a shared chain never carries bytes into the next value.
   */
  whole(input: Uint8Array, sink: Sink): void {
    try {
      this.push(input, sink);
      this.flush(sink);
    } catch (error: unknown) {
      this.flush(discard);
      throw error;
    }
  }

  /** End of the value: flush every stage in order so carried bytes reach the sink. */
  flush(sink: Sink): void {
    this.sink = sink;
    for (let i = 0; i < this.stages.length; i++) {
      const stage = this.stages[i];
      const emit = this.emitters[i];
      if (stage !== undefined && emit !== undefined) stage.flush(emit);
    }
  }
}

const discard: Sink = () => {};

/** Groups are immutable and live as long as their engine: one chain each, made on first use. */
const shared = new WeakMap<object, TransformChain>();

/** The process-wide chain of `group`, for values transformed whole (`whole`) only. */
export function sharedChain(group: { readonly transforms: readonly string[] }): TransformChain {
  let chain = shared.get(group);
  if (chain === undefined) {
    chain = new TransformChain(group.transforms);
    shared.set(group, chain);
  }
  return chain;
}
