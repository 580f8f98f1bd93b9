/**
 * The client address of an exchange, for security events: from `x-forwarded-for` when the
 * operator says how many proxies in front of weir append to it (`trustedHops`), else Envoy's
 * `source.address` attribute (the downstream peer).
 *
 * `trustedHops` counts the proxies that append to x-forwarded-for, Envoy itself included when
 * it appends the peer (`use_remote_address: true`). Each appends the address it received the
 * request from, so the entry `trustedHops` places from the right is the address the outermost
 * trusted proxy saw: the client. Entries further left were written by the client and anyone can
 * forge them; they are never used. With fewer entries than trusted hops, every entry was
 * written by a trusted proxy and the leftmost is the best there is. 0 means x-forwarded-for is
 * not trusted at all.
 *
 * Example: client -> load balancer -> Envoy (use_remote_address) -> weir gives
 * `x-forwarded-for: <client>, <load balancer>`; trustedHops 2 names the client.
 */

/** Longest address kept (an IPv6 address with zone and port fits). */
export const MAX_ADDRESS_CHARS = 64;

export function clientAddress(
  forwardedFor: readonly string[],
  sourceAddress: string | undefined,
  trustedHops: number,
): string {
  if (trustedHops > 0 && forwardedFor.length > 0) {
    const entries = forwardedFor
      .join(",")
      .split(",")
      .map((e) => e.trim())
      .filter((e) => e.length > 0);
    const index = Math.max(0, entries.length - trustedHops);
    const entry = entries[index];
    if (entry !== undefined) return bounded(entry);
  }
  return sourceAddress === undefined ? "" : bounded(withoutPort(sourceAddress));
}

/** `10.0.0.1:5432` -> `10.0.0.1`, `[::1]:80` -> `::1`; a bare IPv6 address stays as it is. */
export function withoutPort(address: string): string {
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    return close < 0 ? address : address.slice(1, close);
  }
  const colon = address.indexOf(":");
  if (colon >= 0 && colon === address.lastIndexOf(":")) return address.slice(0, colon);
  return address;
}

function bounded(text: string): string {
  return text.length > MAX_ADDRESS_CHARS ? text.slice(0, MAX_ADDRESS_CHARS) : text;
}
