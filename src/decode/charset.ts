/**
 * Declared charsets: the `charset` parameter of Content-Type (body and multipart part headers),
 * `_charset_` form fields, the x-up-devcap-post-charset side header and an XML declaration all
 * tell the backend how to decode bytes. A charset the backend decodes differently from plain
 * UTF-8 (UTF-7, EBCDIC such as ibm037, UTF-16) turns harmless-looking bytes into markup or
 * quotes at the backend (shared cases 07, 13, 14, 15), so a declared charset must be on an
 * allowlist.
 *
 * Comparison is on the whole value, case-insensitively: `utf-8, utf-7` or ` utf-8` (quoted,
 * with the space) is not `utf-8`. Charsets weir reads itself have curated alias lists (below);
 * any other charset iconv-lite decodes (windows-125x, iso-8859-x, koi8, Shift_JIS, GBK, Big5,
 * EUC ...) is known by its exact label only, so an allowlist entry `shift_jis`
 * does not admit `sjis` unless that label is listed too. A parameter given twice is a conflict
 * whatever the values are (the WAF and the backend may each pick a different one).
 *
 * Default allowlist: utf-8, us-ascii and iso-8859-1 (Java's HttpClient still labels forms
 * ISO-8859-1). Everything else weir knows is decoded as declared (charset-transcode.ts) whether
 * or not it is allowed: a refused charset is reported, and its text is still matched the way a
 * backend that honours the declaration reads it. Only charsets weir can decode may be allowed:
 * allowing one weir cannot read would mean matching bytes the backend reads differently.
 */
import iconv from "iconv-lite";
import type { ContentType } from "./content-type.js";
import { EBCDIC_PAGES } from "./ebcdic-tables.js";
import type { FieldSink } from "./types.js";

/**
 * A charset weir can read, by canonical name: `utf-8`, `us-ascii`, `iso-8859-1`,
 * `windows-1252`, `utf-16le`, `utf-16be`, `utf-16`, `utf-7`, an EBCDIC page (`ibm037` ...), or
 * `iconv:<label>` for a label iconv-lite decodes.
 */
export type KnownCharset = string;

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

/** IBM's spellings of an EBCDIC page number: ibm037, ibm-037, cp037, csibm037, ibm01140. */
function ebcdicLabels(page: string): string[] {
  const digits = page.slice(3);
  const padded = digits.padStart(5, "0");
  return [
    `ibm${digits}`,
    `ibm-${digits}`,
    `cp${digits}`,
    `csibm${digits}`,
    `ibm${padded}`,
    `cp${padded}`,
    `ibm${Number(digits)}`,
    `cp${Number(digits)}`,
  ];
}

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
  ...["utf-7", "utf7", "unicode-1-1-utf-7", "csunicode11utf7"].map((l) => [l, "utf-7"] as const),
  ...EBCDIC_PAGES.flatMap((page) => ebcdicLabels(page).map((l) => [l, page] as const)),
  ...["ebcdic-cp-us", "ebcdic-cp-ca", "ebcdic-cp-wt", "ebcdic-cp-nl"].map(
    (l) => [l, "ibm037"] as const,
  ),
  ...["ebcdic-cp-be", "ebcdic-cp-ch"].map((l) => [l, "ibm500"] as const),
  ...["ccsid01140", "ebcdic-us-37+euro"].map((l) => [l, "ibm1140"] as const),
]);

/** A charset label as RFC 2978 spells one: alphanumerics joined by single - _ . : */
const LABEL_SYNTAX = /^[a-z0-9]+(?:[-_.:][a-z0-9]+)*$/;

/**
 * iconv-lite resolutions that weir reads itself (or that are not charsets at all): a label that
 * only iconv-lite maps onto one of these is unknown, never a back door around the alias lists.
 * UTF-32 is left out too: too rare to be worth a decoder, so it is refused and read as UTF-8.
 */
const NOT_VIA_ICONV = new Set([
  "utf8",
  "ascii",
  "usascii",
  "iso88591",
  "latin1",
  "binary",
  "cp1252",
  "windows1252",
  "utf16",
  "utf16le",
  "utf16be",
  "ucs2",
  "base64",
  "hex",
  "cesu8",
  "utf7",
  "utf7imap",
  "utf32",
  "utf32le",
  "utf32be",
  "ucs4",
]);

/** How iconv-lite decodes a charset: one byte per character, or up to four (DBCS tables). */
export type IconvKind = "sbcs" | "dbcs";

/**
 * The iconv-lite codec a label resolves to (following its aliases) and its kind; undefined
 * for a label iconv-lite does not know, for one that resolves onto a charset weir reads itself,
 * and for the stateful codecs (UTF-7, UTF-32) whose iconv-lite decoders are not
 * split-invariant.
 */
export function iconvCodec(label: string): { key: string; kind: IconvKind } | undefined {
  if (!iconv.encodingExists(label)) return undefined;
  const table = iconv.encodings;
  let key = iconv._canonicalizeEncoding(label);
  for (let hops = 0; hops < 16 && table !== null; hops++) {
    if (NOT_VIA_ICONV.has(key)) return undefined;
    const entry: unknown = table[key];
    if (typeof entry === "string") {
      key = iconv._canonicalizeEncoding(entry);
      continue;
    }
    const type =
      typeof entry === "object" && entry !== null && "type" in entry ? entry.type : undefined;
    if (type === "_sbcs") return { key, kind: "sbcs" };
    if (type === "_dbcs") return { key, kind: "dbcs" };
    return undefined;
  }
  return undefined;
}

/** The charset a label names, or undefined when weir cannot read it. Whole-value match. */
export function knownCharset(label: string): KnownCharset | undefined {
  const lower = label.toLowerCase();
  const builtIn = LABELS.get(lower);
  if (builtIn !== undefined) return builtIn;
  if (lower.length > MAX_CHARSET_LABEL || !LABEL_SYNTAX.test(lower)) return undefined;
  return iconvCodec(lower) === undefined ? undefined : `iconv:${lower}`;
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
          `charset allowlist: weir cannot decode "${label}" (known: ${[...new Set(LABELS.values())].join(", ")}, ` +
            "and any other charset iconv-lite decodes, by its exact label); " +
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
   * charset to decode with, allowed or not (a refused charset is still read the way a backend
   * that honours it reads it), or undefined when weir cannot read it (the bytes then stay as
   * they are, read as UTF-8).
   */
  check(label: string, sink: AnomalySink, code: string, where: string): KnownCharset | undefined {
    if (this.allows(label) === undefined) {
      sink.anomaly("protocol", code, `${where} declares a charset that is not allowed`);
    }
    return label.length > MAX_CHARSET_LABEL ? undefined : knownCharset(label);
  }

  /**
   * Checks the charset of a parsed Content-Type: a repeated `charset` parameter raises
   * `charset_conflict`, a value off the allowlist raises `code`. Returns the charset to decode
   * with as `check` does; without a charset parameter the body is read as UTF-8 (undefined).
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
