/**
 * Building blocks shared by the JSON API and webhook kinds: a JSON request with API-client or
 * browser headers (or the sender's own), and the postal addresses and order lines that carts,
 * orders and webhook payloads nest.
 */
import type { FpRequest } from "../corpus-format.js";
import { apiHeaders, browserHeaders } from "../fragments/clients.js";
import { CITIES, COUNTRIES, fullName, PRODUCTS, phone, STREETS } from "../fragments/people.js";
import type { Random } from "../random.js";

export type Draft = Omit<FpRequest, "id">;

export function jsonRequest(
  rng: Random,
  method: string,
  path: string,
  note: string,
  host: string,
  value: unknown,
  headers?: readonly (readonly [string, string])[],
): Draft {
  return {
    note,
    method,
    path,
    headers:
      headers ??
      (rng.chance(0.5)
        ? apiHeaders(rng, host)
        : browserHeaders(rng, host, { fetch: true, referer: `https://${host}/`, origin: true })),
    content_type: rng.pick([
      "application/json",
      "application/json; charset=utf-8",
      "application/json;charset=UTF-8",
    ]),
    body: JSON.stringify(value, null, rng.chance(0.2) ? 2 : undefined),
  };
}

export function address(rng: Random) {
  return {
    name: fullName(rng),
    line1: rng.pick(STREETS),
    line2: rng.pick([null, "", "c/o Smith & Co.", "Apt. 4B", "2. OG links"]),
    city: rng.pick(CITIES),
    postal_code: String(rng.int(10000, 99999)),
    country: rng.pick(COUNTRIES),
    phone: phone(rng),
  };
}

export function lineItems(rng: Random) {
  return Array.from({ length: rng.int(1, 4) }, () => ({
    sku: `${rng.chars("ABCDEFGHJKLMNPQRSTUVWXYZ", 3)}-${rng.int(100, 9999)}`,
    name: rng.pick(PRODUCTS),
    quantity: rng.int(1, 5),
    unit_price: { amount: rng.int(99, 99999), currency: rng.pick(["EUR", "USD", "GBP", "JPY"]) },
    options: rng.chance(0.5)
      ? {
          size: rng.pick(["S", "M", "L", "42", "10.5"]),
          color: rng.pick(["black", "navy", "rot", "ベージュ"]),
        }
      : {},
  }));
}
