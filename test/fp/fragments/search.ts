/**
 * What people type into search boxes and what sites put in query strings: search terms in many
 * languages (including "union", "select", "drop", "script", "alert", "exec" as ordinary words,
 * quotes, apostrophes, operators like site: and -exclude), category slugs, sort keys, filter
 * parameters in the bracket styles frameworks use (price[min]=10, filter[status][]=open),
 * pagination and campaign tracking parameters (utm_*, gclid, fbclid).
 */
import type { Random } from "../random.js";
import { ALNUM } from "../random.js";

export const SEARCH_TERMS: readonly string[] = [
  "red running shoes",
  "union station parking",
  "select comfort mattress review",
  "drop leaf table oak",
  "script font generator",
  "smoke alert beeping every 30 seconds",
  "exec chair ergonomic",
  "how to delete instagram account",
  "insert molding replacement",
  "o'reilly auto parts near me",
  "mac & cheese recipe",
  '"wireless earbuds" -apple',
  "site:example.com return policy",
  "union square hotels",
  "drop shipping europe",
  "alert(1) meaning",
  "where to buy 'ethical' coffee",
  "1=1 math puzzle",
  'tv 55" 4k',
  "iphone 15 case",
  "nike air max 90",
  "cast iron skillet 28cm",
  "rock & roll hall of fame tickets",
  "c++ tutorial",
  "c# vs java",
  "node.js fetch timeout",
  "sql union vs union all",
  "select distinct postgres",
  "bash for loop files",
  "kinderwagen test 2024",
  "günstige flüge berlin mallorca",
  "lave-vaisselle encastrable",
  "zapatillas de correr mujer",
  "tênis feminino",
  "scarpe da ginnastica",
  "buty do biegania",
  "кроссовки мужские",
  "кросівки жіночі",
  "koşu ayakkabısı",
  "حذاء رياضي",
  "נעלי ריצה",
  "जूते पुरुषों के लिए",
  "跑步鞋 男",
  "ランニングシューズ メンズ",
  "운동화 추천",
  "giày chạy bộ",
  "hardloopschoenen",
  "löparskor dam",
  "50% off",
  "gift card €25",
  "size 10 1/2",
  "rock/paper/scissors",
  "AT&T prepaid",
  "H&M sale",
  "tom's of maine",
  "l'oréal shampoo",
  "women's jacket (waterproof)",
  '"free shipping" or "pickup"',
  "usb-c to hdmi 4k@60hz",
  '1/2" drill bit',
  "6' 2\" height in cm",
  "what is cat /etc/passwd",
  "ls vs dir",
  "id card renewal",
  "exec summary template",
  "drop table tennis",
  "select all shortcut mac",
];

export const CATEGORIES: readonly string[] = [
  "women/shoes/running",
  "men/clothing/jackets",
  "home-garden/kitchen/cookware",
  "electronics/audio/headphones",
  "kids/toys/lego",
  "sale",
  "new-arrivals",
  "books/fiction/crime-thriller",
  "beauty/skin-care",
  "sports/outdoor/camping",
  "furniture/tables/drop-leaf",
  "de/damen/schuhe",
  "fr/femme/chaussures",
  "ja/メンズ/シューズ",
];

const SORTS = [
  "relevance",
  "price_asc",
  "price-desc",
  "-created_at",
  "name:asc",
  "popularity",
  "rating,desc",
  "newest",
];

export const UTM_SOURCES = [
  "google",
  "newsletter",
  "facebook",
  "instagram",
  "tiktok",
  "bing",
  "partner_site",
  "qr-code",
];
const UTM_MEDIUMS = ["cpc", "email", "social", "referral", "display", "affiliate"];
const UTM_CAMPAIGNS = [
  "spring_sale_2024",
  "black-friday",
  "brand|de|exact",
  "retargeting (30d)",
  "launch:v2",
  "Summer Sale – 20% off",
  "newsletter #42",
  "welcome&series",
];

/** form-urlencoded encoding of one value (spaces as +), as browsers submit forms. */
export function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, "+")
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A query string from pairs, with browser-style (+) or RFC 3986 (%20) spaces. */
export function queryString(pairs: readonly (readonly [string, string])[], plus: boolean): string {
  const enc = (s: string) => (plus ? formEncode(s) : encodeURIComponent(s));
  return pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
}

export function campaignParams(rng: Random): [string, string][] {
  const out: [string, string][] = [
    ["utm_source", rng.pick(UTM_SOURCES)],
    ["utm_medium", rng.pick(UTM_MEDIUMS)],
    ["utm_campaign", rng.pick(UTM_CAMPAIGNS)],
  ];
  if (rng.chance(0.4))
    out.push(["utm_content", rng.pick(["hero-banner", "cta_button", "img:left", "text link"])]);
  if (rng.chance(0.3)) out.push(["utm_term", rng.pick(SEARCH_TERMS)]);
  if (rng.chance(0.3))
    out.push([
      rng.pick(["gclid", "fbclid", "msclkid", "ttclid"]),
      rng.chars(`${ALNUM}_-`, rng.int(20, 90)),
    ]);
  if (rng.chance(0.2))
    out.push([
      "_gl",
      `1*${rng.chars(ALNUM, 6)}*_ga*${rng.chars(ALNUM, 24)}*_ga_${rng.chars(ALNUM, 10)}*${rng.chars(ALNUM, 30)}`,
    ]);
  return out;
}

export function filterParams(rng: Random): [string, string][] {
  const out: [string, string][] = [];
  const style = rng.int(0, 3);
  if (style === 0) {
    out.push(["price[min]", String(rng.int(0, 50))], ["price[max]", String(rng.int(60, 500))]);
    if (rng.chance(0.5))
      out.push(["brand[]", rng.pick(["nike", "adidas", "new-balance", "asics"])]);
    if (rng.chance(0.5)) out.push(["brand[]", rng.pick(["puma", "hoka", "on"])]);
  } else if (style === 1) {
    out.push(["filter[status]", rng.pick(["open", "closed", "in_progress"])]);
    out.push(["filter[created_at][gte]", "2024-01-01"]);
    if (rng.chance(0.5)) out.push(["include", "author,comments.author"]);
    out.push(
      ["page[number]", String(rng.int(1, 20))],
      ["page[size]", String(rng.pick([10, 25, 50]))],
    );
  } else if (style === 2) {
    out.push(["color", rng.pick(["black", "navy", "off-white", "rot", "bleu marine"])]);
    out.push(["size", rng.pick(["M", "L", "42", "10.5", "XL/XXL"])]);
    if (rng.chance(0.5)) out.push(["in_stock", "true"]);
    if (rng.chance(0.3)) out.push(["rating_gte", String(rng.int(3, 5))]);
  } else {
    out.push(["where", JSON.stringify({ status: "published", tags: { in: ["news", "events"] } })]);
    if (rng.chance(0.5)) out.push(["select", "id,title,slug,published_at"]);
    if (rng.chance(0.5)) out.push(["order", "published_at.desc"]);
  }
  return out;
}

export function sortAndPage(rng: Random): [string, string][] {
  const out: [string, string][] = [];
  if (rng.chance(0.6))
    out.push([rng.pick(["sort", "order_by", "sortBy", "orderby"]), rng.pick(SORTS)]);
  if (rng.chance(0.7)) out.push([rng.pick(["page", "p", "offset"]), String(rng.int(1, 40))]);
  if (rng.chance(0.4))
    out.push([rng.pick(["per_page", "limit", "pageSize"]), String(rng.pick([12, 24, 48, 100]))]);
  return out;
}
