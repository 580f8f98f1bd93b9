/**
 * The request headers that frame the body (RFC 9112 section 6): content-length and
 * transfer-encoding. Two hops that disagree on where a request ends let one request smuggle
 * another (shared case 55), so protocol enforcement refuses a request that still shows both
 * headers (RFC 9112 6.3: a sender must not send both; an intermediary that forwards both is
 * where smuggling starts) and a transfer coding other than chunked (Envoy de-chunks only
 * chunked; anything else reaching weir was not framed the way weir reads it).
 *
 * The declared content-length is kept for the body size limit, which is decided at the headers
 * when it is present.
 */

export type FramingAnomaly = "content_length_with_transfer_encoding" | "transfer_encoding_unknown";

const latin1 = new TextDecoder("latin1");
const DIGITS = /^[0-9]{1,15}$/;

export class FramingHeaders {
  private lengths: string[] = [];
  private codings: string[] = [];

  add(key: string, value: Uint8Array): void {
    if (key === "content-length") this.lengths.push(latin1.decode(value).trim());
    else if (key === "transfer-encoding") {
      for (const item of latin1.decode(value).split(","))
        this.codings.push(item.trim().toLowerCase());
    }
  }

  /**
   * The declared body length: the content-length value when every content-length header says
   * the same decimal number (a list of identical values is one value, RFC 9110 8.6), else
   * undefined.
   */
  get contentLength(): number | undefined {
    const first = this.lengths[0];
    if (first === undefined) return undefined;
    const values = this.lengths.flatMap((v) => v.split(",").map((x) => x.trim()));
    if (!values.every((v) => v === values[0] && DIGITS.test(v))) return undefined;
    return Number(first.split(",")[0]?.trim());
  }

  anomalies(): FramingAnomaly[] {
    const out: FramingAnomaly[] = [];
    if (this.codings.length === 0) return out;
    if (this.lengths.length > 0) out.push("content_length_with_transfer_encoding");
    if (this.codings.some((c) => c !== "chunked" && c !== ""))
      out.push("transfer_encoding_unknown");
    return out;
  }
}
