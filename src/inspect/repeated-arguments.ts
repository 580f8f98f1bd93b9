/**
 * HTTP parameter pollution (shared case 35): ASP.NET joins every value of a repeated name with
 * commas (query and form together, names compared case-insensitively), so `id=1/*&id=*\/UNION`
 * reaches the application as one SQL fragment that no single value shows. Besides scanning each
 * value, weir scans the comma-joined value of every repeated name the way the application will
 * read it.
 *
 * Values are retained only for that purpose and only within fixed bounds (I1): at most
 * MAX_VALUE_BYTES of each value and MAX_RETAINED_BYTES per exchange; past them the join holds
 * what was retained. Joins are produced at the end of a source (the query, then the body), so
 * each repeated name is scanned at most once per source, whatever the number of repeats.
 */

export const MAX_VALUE_BYTES = 4096;
export const MAX_RETAINED_BYTES = 64 * 1024;
const COMMA = new Uint8Array([0x2c]);

interface Entry {
  /** The name as first seen (what matches are attributed to). */
  readonly name: string;
  readonly values: Uint8Array[];
  /** Values added since the last join: the name needs a scan at the end of this source. */
  fresh: number;
}

export class RepeatedArguments {
  private readonly entries = new Map<string, Entry>();
  private retained = 0;
  private current: { entry: Entry; parts: Uint8Array[]; bytes: number } | undefined;

  /** A value of `name` starts. */
  start(name: string): void {
    this.end();
    const key = name.toLowerCase();
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { name, values: [], fresh: 0 };
      this.entries.set(key, entry);
    }
    this.current = { entry, parts: [], bytes: 0 };
  }

  data(bytes: Uint8Array): void {
    const current = this.current;
    if (current === undefined) return;
    const room = Math.min(MAX_VALUE_BYTES - current.bytes, MAX_RETAINED_BYTES - this.retained);
    if (room <= 0) return;
    const kept = bytes.length <= room ? bytes : bytes.subarray(0, room);
    // Decoders reuse their buffers: keep a copy.
    current.parts.push(Uint8Array.from(kept));
    current.bytes += kept.length;
    this.retained += kept.length;
  }

  /** The current value is complete. */
  end(): void {
    const current = this.current;
    if (current === undefined) return;
    this.current = undefined;
    current.entry.values.push(concat(current.parts, current.bytes));
    current.entry.fresh++;
  }

  /**
   * The end of a source: every name that has two or more values and got one since the last
   * call, with its comma-joined value.
   */
  *joins(): Generator<{ name: string; joined: Uint8Array }> {
    this.end();
    for (const entry of this.entries.values()) {
      if (entry.fresh === 0) continue;
      entry.fresh = 0;
      if (entry.values.length < 2) continue;
      const parts: Uint8Array[] = [];
      entry.values.forEach((value, i) => {
        if (i > 0) parts.push(COMMA);
        parts.push(value);
      });
      yield { name: entry.name, joined: concat(parts) };
    }
  }
}

function concat(parts: readonly Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  const out = new Uint8Array(total ?? parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
