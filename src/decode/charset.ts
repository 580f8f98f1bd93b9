/**
 * Declared charsets: the `charset` parameter of Content-Type (body and multipart part headers),
 * `_charset_` form fields and the x-up-devcap-post-charset side header all tell the backend how
 * to decode bytes. A charset weir does not decode the same way (UTF-7, EBCDIC such as ibm037)
 * turns harmless-looking bytes into markup or quotes at the backend (shared cases 07, 13, 14,
 * 15), so a declared charset must be on an allowlist.
 *
 * Comparison is on the whole value, case-insensitively, after alias folding: `utf-8, utf-7`
 * or ` utf-8` (quoted, with the space) is not `utf-8`. A parameter given twice is a conflict
 * whatever the values are (the WAF and the backend may each pick a different one).
 *
 * Default allowlist: utf-8, us-ascii and iso-8859-1 (Java's HttpClient still labels forms
 * ISO-8859-1). windows-1252 and the UTF-16 forms are known and can be transcoded but are refused
 * unless an operator allows them. Only charsets weir can transcode may be allowed: allowing one
 * weir cannot read would mean matching bytes the backend reads differently.
 */
import type { ContentType } from "./content-type.js";
import type { FieldSink } from "./types.js";

/** The charsets weir can read: pass-through (utf-8, us-ascii) or transcoded to UTF-8. */
export type KnownCharset =
  | "utf-8"
  | "us-ascii"
  | "iso-8859-1"
  | "windows-1252"
  | "utf-16le"
  | "utf-16be"
  | "utf-16";

export interface CharsetOptions {
  /** Allowed charsets, by name or alias. Default utf-8, us-ascii, iso-8859-1. */
  readonly allow?: readonly string[];
}

export const DEFAULT_ALLOWED_CHARSETS: readonly KnownCharset[] = [
  "utf-8",
  "us-ascii",
  "iso-8859-1",
];

/** Where anomalies go; any FieldSink will do. */
export type AnomalySink = Pick<FieldSink, "anomaly">;

/** Lower-case labels (IANA names and aliases, plus spellings backends accept) to charsets. */
const LABELS: ReadonlyMap<string, KnownCharset> = new Map<string, KnownCharset>([
  ...["utf-8", "utf8", "csutf8", "unicode-1-1-utf-8"].map((l) => [l, "utf-8"] as const),
  ...[
    "us-ascii",
    "ascii",
    "us",
    "iso-ir-6",
    "ansi_x3.4-1968",
    "ansi_x3.4-1986",
    "iso_646.irv:1991",
    "iso646-us",
    "ibm367",
    "cp367",
    "csascii",
  ].map((l) => [l, "us-ascii"] as const),
  ...[
    "iso-8859-1",
    "iso8859-1",
    "iso_8859-1",
    "iso_8859-1:1987",
    "iso-ir-100",
    "latin1",
    "l1",
    "ibm819",
    "cp819",
    "csisolatin1",
  ].map((l) => [l, "iso-8859-1"] as const),
  ...["windows-1252", "cp1252", "x-cp1252"].map((l) => [l, "windows-1252"] as const),
  ...["utf-16le", "unicodefffe"].map((l) => [l, "utf-16le"] as const),
  ...["utf-16be", "unicodefeff"].map((l) => [l, "utf-16be"] as const),
  ...["utf-16", "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode"].map(
    (l) => [l, "utf-16"] as const,
  ),
]);

/** The charset a label names, or undefined when weir does not know it. Whole-value match. */
export function knownCharset(label: string): KnownCharset | undefined {
  return LABELS.get(label.toLowerCase());
}

/** Longest declared value examined; longer ones are refused without being copied. */
export const MAX_CHARSET_LABEL = 40;

export class CharsetPolicy {
  private readonly allowed: ReadonlySet<KnownCharset>;

  constructor(options: CharsetOptions = {}) {
    const allowed = new Set<KnownCharset>();
    for (const label of options.allow ?? DEFAULT_ALLOWED_CHARSETS) {
      const charset = knownCharset(label);
      if (charset === undefined) {
        throw new RangeError(
          `charset allowlist: weir cannot decode "${label}" (known: ${[...new Set(LABELS.values())].join(", ")}); ` +
            "allowing it would let the backend read bytes differently from what is matched",
        );
      }
      allowed.add(charset);
    }
    this.allowed = allowed;
  }

  /** The allowed charset a label names, or undefined if it is not allowed. */
  allows(label: string): KnownCharset | undefined {
    if (label.length > MAX_CHARSET_LABEL) return undefined;
    const charset = knownCharset(label);
    return charset !== undefined && this.allowed.has(charset) ? charset : undefined;
  }

  /**
   * Checks one declared value; raises `code` ("protocol") when it is not allowed. Returns the
   * charset to decode with, or undefined when the value was refused.
   */
  check(label: string, sink: AnomalySink, code: string, where: string): KnownCharset | undefined {
    const charset = this.allows(label);
    if (charset === undefined) {
      sink.anomaly("protocol", code, `${where} declares a charset that is not allowed`);
    }
    return charset;
  }

  /**
   * Checks the charset of a parsed Content-Type: a repeated `charset` parameter raises
   * `charset_conflict`, a value off the allowlist raises `code`. Without a charset the body is
   * read as UTF-8 (undefined is returned for "no charset", as for a refused one; only an
   * allowed charset other than utf-8/us-ascii needs transcoding).
   */
  checkContentType(
    parsed: ContentType,
    sink: AnomalySink,
    code: string,
    where: string,
  ): KnownCharset | undefined {
    if (parsed.repeated.includes("charset")) {
      sink.anomaly("protocol", "charset_conflict", `${where} has more than one charset parameter`);
    }
    const label = parsed.params.get("charset");
    if (label === undefined) return undefined;
    return this.check(label, sink, code, where);
  }
}
