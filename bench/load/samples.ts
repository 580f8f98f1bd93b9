/** Latency samples of a load run. */

/** Latencies in ms, in a growable typed array (no per-sample object). */
export class Samples {
  private values = new Float64Array(1 << 16);
  length = 0;
  add(ms: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
  }
  sorted(): Float64Array {
    return this.values.slice(0, this.length).sort();
  }
}
