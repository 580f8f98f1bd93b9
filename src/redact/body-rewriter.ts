/**
 * What the exchange needs of an inspector that can rewrite a body in flight (FULL_DUPLEX_
 * STREAMED, where Envoy forwards only what weir streams back): switch rewriting on before the
 * first body byte, take the rewritten bytes after each body or trailers call, and take what
 * was redacted. An inspector offers it as its `rewriter` property (the response inspector);
 * a decorator of an inspector (the time budget) passes its inner inspector's `rewriter` on.
 */
import type { DirectionInspector } from "../inspect/types.js";
import type { Redactions } from "./leak-scanner.js";

export interface BodyRewriter {
  /**
   * Rewrite this direction's body from its first byte on. False (and nothing changes) when
   * nothing redacts, the body is content-encoded, or body bytes were already inspected.
   */
  startRewriting(): boolean;
  readonly rewriting: boolean;
  /** Body bytes the rewriter received so far (a decorator may withhold some: see bypass). */
  readonly bytesTaken: number;
  /**
   * The rewritten body bytes released since the last call: everything but a bounded tail while
   * the body lasts, the rest once it ended (end_of_stream or trailers).
   */
  takeRewritten(): Uint8Array[];
  /** What was redacted since the last call, or undefined when nothing was. */
  takeRedactions(): Redactions | undefined;
  /**
   * Stop rewriting: the held tail is released now (with the redactions found so far) and the
   * rest of the body is the caller's to forward as it is. For when bytes stopped reaching the
   * rewriter (a time budget let the rest of the body pass uninspected).
   */
  bypass(): Uint8Array[];
}

/** An inspector (or a decorator of one) that can rewrite its direction's body. */
export interface RewritingInspector {
  readonly rewriter?: BodyRewriter | undefined;
}

export function bodyRewriterOf(inspector: DirectionInspector): BodyRewriter | undefined {
  return (inspector as DirectionInspector & RewritingInspector).rewriter;
}
