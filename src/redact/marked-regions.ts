/**
 * The regions of a body that carry redaction marks and are not released yet, as absolute
 * [start, end) intervals. The writer copies everything between them at once and looks at marks
 * byte by byte only inside them, so an unredacted body costs a copy, not a loop per byte.
 * Regions come in roughly ascending order (matches are reported by end offset); they are
 * sorted and merged when a release takes them. A region always lies inside the held window,
 * so there are never more of them than held bytes.
 */

export class MarkedRegions {
  /** Flat [start, end, start, end, ...]. */
  #bounds: number[] = [];

  add(start: number, end: number): void {
    const n = this.#bounds.length;
    // Extend the last region when the new one continues it (the common case for long matches).
    if (n > 0 && start >= (this.#bounds[n - 2] ?? 0) && start <= (this.#bounds[n - 1] ?? 0)) {
      this.#bounds[n - 1] = Math.max(this.#bounds[n - 1] ?? 0, end);
      return;
    }
    this.#bounds.push(start, end);
  }

  /**
   * The merged regions that start before `end`, clipped to it, in ascending order (flat
   * pairs); what lies past `end` stays for the next release.
   */
  take(end: number): number[] {
    if (this.#bounds.length === 0) return NONE;
    const pairs: [number, number][] = [];
    for (let i = 0; i < this.#bounds.length; i += 2) {
      pairs.push([this.#bounds[i] ?? 0, this.#bounds[i + 1] ?? 0]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    const taken: number[] = [];
    const kept: number[] = [];
    let current: [number, number] | undefined;
    const flush = (region: [number, number]) => {
      if (region[0] < end) taken.push(region[0], Math.min(region[1], end));
      if (region[1] > end) kept.push(Math.max(region[0], end), region[1]);
    };
    for (const pair of pairs) {
      if (current !== undefined && pair[0] <= current[1]) {
        current[1] = Math.max(current[1], pair[1]);
        continue;
      }
      if (current !== undefined) flush(current);
      current = [pair[0], pair[1]];
    }
    if (current !== undefined) flush(current);
    this.#bounds = kept;
    return taken;
  }
}

const NONE: number[] = [];
