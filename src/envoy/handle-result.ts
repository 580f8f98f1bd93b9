/** What a direction did with one server message: applied, spurious (§2.D-2), or an error. */
export type HandleResult =
  | { ok: true }
  | { ok: false; kind: "spurious" | "error"; details: string };

export const OK: HandleResult = { ok: true };

export function spurious(details: string): HandleResult {
  return { ok: false, kind: "spurious", details };
}
