/**
 * When to restart a worker that died: at once-ish the first time, then twice as long after each
 * death in a row, up to a ceiling, so a worker that crashes at every start (a poisoned cache,
 * a bad signature file edited under a running server) costs a compile every `maxMs` at most
 * instead of a busy loop. A worker that stayed up `stableMs` counts as healthy again: its next
 * death starts over at `baseMs`.
 */

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, stableMs: 60_000 };

export class RestartBackoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** Delay before the next restart of a worker that lived `upMs`; counts this death. */
  next(upMs: number): number {
    if (upMs >= this.options.stableMs) this.failures = 0;
    const delay = Math.min(this.options.maxMs, this.options.baseMs * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 30);
    return delay;
  }
}
