/**
 * What real clients send besides the request itself: browser User-Agent strings, client hints,
 * Accept and Accept-Language values, cookie jars with analytics ids, consent strings and signed
 * session tokens, and the User-Agents of API clients and webhook senders. A false positive on
 * these hits every request of a site, so they appear on every request of the corpus.
 */
import { ALNUM, BASE64URL, type Random } from "../random.js";

interface Browser {
  readonly ua: string;
  readonly hints?: readonly (readonly [string, string])[];
}

const chromeHints = (v: string, platform: string, mobile = false): [string, string][] => [
  ["sec-ch-ua", `"Chromium";v="${v}", "Google Chrome";v="${v}", "Not?A_Brand";v="99"`],
  ["sec-ch-ua-mobile", mobile ? "?1" : "?0"],
  ["sec-ch-ua-platform", `"${platform}"`],
];
const edgeHints = (v: string): [string, string][] => [
  ["sec-ch-ua", `"Microsoft Edge";v="${v}", "Chromium";v="${v}", "Not_A Brand";v="24"`],
  ["sec-ch-ua-mobile", "?0"],
  ["sec-ch-ua-platform", '"Windows"'],
];

export const BROWSERS: readonly Browser[] = [
  {
    ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    hints: chromeHints("124", "Windows"),
  },
  {
    ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    hints: chromeHints("120", "Windows"),
  },
  {
    ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
    hints: chromeHints("125", "macOS"),
  },
  {
    ua: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
    hints: chromeHints("123", "Linux"),
  },
  {
    ua: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    hints: chromeHints("124", "Android", true),
  },
  {
    ua: "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
  },
  {
    ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
    hints: edgeHints("124"),
  },
  { ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0" },
  { ua: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0" },
  { ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:124.0) Gecko/20100101 Firefox/124.0" },
  { ua: "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0" },
  {
    ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
  },
  {
    ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
  },
  {
    ua: "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  },
  {
    ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/125.0.6422.80 Mobile/15E148 Safari/604.1",
  },
  {
    ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 YaBrowser/24.4.0.0 Safari/537.36",
  },
  {
    ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
  },
  {
    ua: "Mozilla/5.0 (Linux; U; Android 12; zh-CN; V2145A Build/SP1A.210812.003) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/16.1.2.1240 Mobile Safari/537.36",
  },
  {
    ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 16_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN",
  },
  {
    ua: "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/117.0.0.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/435.0.0.35.85;]",
  },
  {
    ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 312.0.0.24.110 (iPhone14,5; iOS 17_2; de_DE; de; scale=3.00; 1170x2532; 548339486)",
  },
];

export const API_CLIENTS: readonly string[] = [
  "axios/1.6.8",
  "okhttp/4.12.0",
  "python-requests/2.31.0",
  "python-httpx/0.27.0",
  "Go-http-client/2.0",
  "curl/8.5.0",
  "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
  "undici",
  "Dart/3.3 (dart:io)",
  "MyShop/5.12.1 (iPhone; iOS 17.4.1; Scale/3.00)",
  "Acme-Android/3.8.0 (Linux; Android 13; SM-A536B)",
  "PostmanRuntime/7.37.3",
  "insomnia/2023.5.8",
  "Apache-HttpClient/5.2.1 (Java/17.0.10)",
  "Faraday v2.9.0",
  "GuzzleHttp/7",
  "RestSharp/110.2.0.0",
  "Ktor client",
  "aws-sdk-js/3.540.0 ua/2.0 os/linux#5.15 lang/js md/nodejs#20.12.2",
];

export const ACCEPT_LANGUAGES: readonly string[] = [
  "en-US,en;q=0.9",
  "en-GB,en-US;q=0.9,en;q=0.8",
  "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7",
  "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7",
  "es-ES,es;q=0.9",
  "es-419,es;q=0.9,en;q=0.8",
  "pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7",
  "it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7",
  "pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7",
  "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7",
  "uk-UA,uk;q=0.9,ru;q=0.8,en-US;q=0.7,en;q=0.6",
  "tr-TR,tr;q=0.9,en-US;q=0.8,en;q=0.7",
  "ar-SA,ar;q=0.9,en-US;q=0.8,en;q=0.7",
  "he-IL,he;q=0.9,en-US;q=0.8,en;q=0.7",
  "hi-IN,hi;q=0.9,en-IN;q=0.8,en;q=0.7",
  "zh-CN,zh;q=0.9,en;q=0.8",
  "zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7",
  "ja,en-US;q=0.9,en;q=0.8",
  "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7",
  "vi-VN,vi;q=0.9,fr-FR;q=0.8,fr;q=0.7,en-US;q=0.6,en;q=0.5",
  "nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7",
  "sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7",
  "en",
  "*",
];

export const ACCEPT_HTML =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
export const ACCEPT_FIREFOX =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
export const ACCEPT_JSON = "application/json, text/plain, */*";

/** A JWT-shaped token: base64url header and claims (real JSON) and a random signature. */
export function jwt(rng: Random, claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const alg = rng.pick(["HS256", "RS256", "ES256"]);
  return `${b64({ alg, typ: "JWT", ...(alg === "HS256" ? {} : { kid: rng.hex(16) }) })}.${b64(claims)}.${rng.chars(BASE64URL, alg === "ES256" ? 86 : 43)}`;
}

const CONSENT_DATES = [
  "Mon+Jan+15+2024+10%3A22%3A11+GMT%2B0100+(Central+European+Standard+Time)",
  "Thu+May+02+2024+18%3A03%3A47+GMT-0400+(Eastern+Daylight+Time)",
  "Sat+Mar+09+2024+08%3A15%3A00+GMT%2B0900+(Japan+Standard+Time)",
];

/** One cookie of the kinds sites set, chosen at random. */
function cookie(rng: Random, now: number): string {
  const ts = now - rng.int(0, 9_000_000);
  switch (rng.int(0, 17)) {
    case 0:
      return `_ga=GA1.1.${rng.int(100000000, 1999999999)}.${ts}`;
    case 1:
      return `_ga_${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)}=GS1.1.${ts}.${rng.int(1, 40)}.1.${ts + 600}.0.0.0`;
    case 2:
      return `_gid=GA1.2.${rng.int(100000000, 1999999999)}.${ts}`;
    case 3:
      return `_fbp=fb.1.${ts}123.${rng.int(100000000, 1999999999)}`;
    case 4:
      return `OptanonConsent=isGpcEnabled=0&datestamp=${rng.pick(CONSENT_DATES)}&version=202401.2.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=${rng.uuid()}&interactionCount=1&isAnonUser=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0&AwaitingReconsent=false`;
    case 5:
      return `euconsent-v2=CP${rng.chars(`${ALNUM}_-`, 60)}.YAAAAAAAAAAA`;
    case 6:
      return `session=${jwt(rng, { sub: String(rng.int(1, 999999)), iat: ts, exp: ts + 3600, scope: "read write" })}`;
    case 7:
      return `connect.sid=s%3A${rng.chars(ALNUM, 32)}.${rng.chars(`${ALNUM}%`, 43)}`;
    case 8:
      return `PHPSESSID=${rng.chars("abcdefghijklmnopqrstuv0123456789", 26)}`;
    case 9:
      return `JSESSIONID=${rng.hex(32).toUpperCase()}.node${rng.int(1, 4)}`;
    case 10:
      return `__cf_bm=${rng.chars(`${ALNUM}_.`, 43)}-${ts}-1.0.1.1-${rng.chars(`${ALNUM}_.`, 86)}`;
    case 11:
      return `csrftoken=${rng.chars(ALNUM, 32)}`;
    case 12:
      return `_shopify_y=${rng.uuid()}`;
    case 13:
      return `cart=${encodeURIComponent(JSON.stringify({ items: rng.int(0, 5), currency: rng.pick(["EUR", "USD", "GBP"]) }))}`;
    case 14:
      return `rack.session=${rng.chars(`${ALNUM}%`, 120)}--${rng.hex(40)}`;
    case 15:
      return `XSRF-TOKEN=${encodeURIComponent(Buffer.from(JSON.stringify({ iv: rng.chars(ALNUM, 24), value: rng.chars(ALNUM, 40), mac: rng.hex(64), tag: "" })).toString("base64"))}`;
    case 16:
      return `ajs_anonymous_id=%22${rng.uuid()}%22`;
    default:
      return rng.pick([
        "theme=dark",
        "lang=de",
        "currency=EUR",
        "cookie_consent=accepted",
        "tz=Europe%2FBerlin",
        "sidebar_collapsed=false",
        "recently_viewed=1234%2C5678%2C91011",
        "locale=pt_BR",
        "cf_clearance=1.0.1-abc",
        "dismissed_banner=summer-sale-2024",
      ]);
  }
}

/** A cookie header of 1 to 9 cookies (or none). */
export function cookieHeader(rng: Random, now: number): string | undefined {
  if (rng.chance(0.12)) return undefined;
  const names = new Set<string>();
  const out: string[] = [];
  for (let i = rng.int(1, 9); i > 0; i--) {
    const c = cookie(rng, now);
    const name = c.slice(0, c.indexOf("="));
    if (names.has(name)) continue;
    names.add(name);
    out.push(c);
  }
  return out.join("; ");
}

export type Header = readonly [string, string];

/** Headers a browser sends for a navigation or a fetch, in Chrome's order. */
export function browserHeaders(
  rng: Random,
  host: string,
  options: { readonly fetch: boolean; readonly referer?: string; readonly origin?: boolean },
): Header[] {
  const b = rng.pick(BROWSERS);
  const h: Header[] = [["host", host]];
  for (const hint of b.hints ?? []) h.push(hint);
  h.push(["user-agent", b.ua]);
  h.push([
    "accept",
    options.fetch ? ACCEPT_JSON : b.ua.includes("Firefox") ? ACCEPT_FIREFOX : ACCEPT_HTML,
  ]);
  h.push(["accept-language", rng.pick(ACCEPT_LANGUAGES)]);
  h.push(["accept-encoding", rng.pick(["gzip, deflate, br, zstd", "gzip, deflate, br"])]);
  if (options.origin === true) h.push(["origin", `https://${host}`]);
  if (options.referer !== undefined) h.push(["referer", options.referer]);
  h.push(["sec-fetch-site", options.referer === undefined ? "none" : "same-origin"]);
  h.push(["sec-fetch-mode", options.fetch ? "cors" : "navigate"]);
  h.push(["sec-fetch-dest", options.fetch ? "empty" : "document"]);
  if (!options.fetch) h.push(["upgrade-insecure-requests", "1"]);
  const jar = cookieHeader(rng, 1_714_000_000);
  if (jar !== undefined) h.push(["cookie", jar]);
  if (rng.chance(0.3)) h.push(["x-requested-with", "XMLHttpRequest"]);
  if (rng.chance(0.25))
    h.push([
      "x-forwarded-for",
      `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    ]);
  return h;
}

/** Headers of an API client (mobile app, SDK, server-to-server), with a bearer token. */
export function apiHeaders(rng: Random, host: string): Header[] {
  const h: Header[] = [
    ["host", host],
    ["user-agent", rng.pick(API_CLIENTS)],
    ["accept", rng.pick(["application/json", "*/*", "application/json, text/plain, */*"])],
  ];
  if (rng.chance(0.8)) {
    h.push([
      "authorization",
      rng.chance(0.7)
        ? `Bearer ${jwt(rng, { iss: `https://${host}/`, sub: `auth0|${rng.hex(24)}`, aud: ["api"], iat: 1714000000, exp: 1714003600, azp: rng.chars(ALNUM, 32), scope: "openid profile email" })}`
        : `Bearer ${rng.pick(["sk_test_", "ghp_", "xoxb-", "pat_"])}${rng.chars(ALNUM, 36)}`,
    ]);
  }
  if (rng.chance(0.5)) h.push(["x-request-id", rng.uuid()]);
  if (rng.chance(0.3))
    h.push(["traceparent", `00-${rng.hex(32)}-${rng.hex(16)}-0${rng.int(0, 1)}`]);
  if (rng.chance(0.3)) h.push(["accept-language", rng.pick(ACCEPT_LANGUAGES)]);
  if (rng.chance(0.2)) h.push(["x-api-version", rng.pick(["2024-04-10", "v2", "3"])]);
  if (rng.chance(0.2)) h.push(["idempotency-key", rng.uuid()]);
  return h;
}
