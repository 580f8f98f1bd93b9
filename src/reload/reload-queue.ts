/**
 * Runs reloads one at a time. A reload asked for while one runs is not lost and not doubled:
 * every request that arrives during a run is folded into one more run after it (a burst of
 * SIGHUPs during a long compile costs one extra reload). The folded run is forced if any of
 * its requests was (SIGHUP reloads even when no file changed).
 */

export type ReloadRun = (reason: string, force: boolean) => Promise<void>;

export class ReloadQueue {
  #running: Promise<void> | undefined;
  #pending: { reason: string; force: boolean } | undefined;

  constructor(private readonly run: ReloadRun) {}

  /** Resolves once this request has been served (by its own run or a folded one). */
  request(reason: string, force: boolean): Promise<void> {
    if (this.#running === undefined) {
      this.#running = this.#loop({ reason, force });
      return this.#running;
    }
    const pending = this.#pending;
    this.#pending =
      pending === undefined ? { reason, force } : { reason, force: force || pending.force };
    return this.#running;
  }

  /** Resolves when no reload is running or waiting. */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #loop(first: { reason: string; force: boolean }): Promise<void> {
    try {
      let next: { reason: string; force: boolean } | undefined = first;
      while (next !== undefined) {
        this.#pending = undefined;
        await this.run(next.reason, next.force);
        next = this.#pending;
      }
    } finally {
      this.#running = undefined;
    }
  }
}
