/**
 * GET requests of ordinary browsing and single-page applications: searches, category pages
 * with filters and sorting, product and article pages reached from campaigns, OAuth redirects,
 * GraphQL persisted queries, analytics beacons, wiki titles, static assets with cache busters,
 * login redirects carrying a `next` URL, and calendar ranges. Headers are full browser sets.
 */
import type { FpRequest } from "../corpus-format.js";
import { browserHeaders } from "../fragments/clients.js";
import {
  CATEGORIES,
  campaignParams,
  filterParams,
  queryString,
  SEARCH_TERMS,
  sortAndPage,
} from "../fragments/search.js";
import { ALNUM, BASE64URL, type Random } from "../random.js";

type Draft = Omit<FpRequest, "id">;
const HOSTS = [
  "shop.example.com",
  "www.example.org",
  "app.example.net",
  "news.example.de",
  "wiki.example.com",
];

const SLUGS = [
  "why-we-dropped-our-old-pricing",
  "select-the-right-running-shoe",
  "union-made-workwear",
  "10-tips-for-remote-teams",
  "how-to-script-your-first-video",
  "o-briens-pub-review",
  "what-is-a-sql-join",
  "rock-and-roll-history",
  "kaffee-vs-tee",
  "les-meilleurs-croissants-de-paris",
  "東京のおすすめカフェ",
  "как-выбрать-ноутбук",
  "2024-annual-report",
  "alert-fatigue-in-on-call",
];
const WIKI_TITLES = [
  "Union_(set_theory)",
  "C%2B%2B",
  "Select_(SQL)",
  "Drop_(liquid)",
  "Script_(Unicode)",
  "AT%26T",
  "O%27Reilly_Media",
  "Caf%C3%A9",
  "Rock_%26_roll",
  "%E6%9D%B1%E4%BA%AC",
  "Echo_(mythology)",
  "Cat_(Unix)",
  "ID_card",
  "Exec_(computing)",
  "Alert_(TV_series)",
  "Europ%C3%A4ische_Union",
  "Where_(SQL)",
];
const ASSETS = [
  "/static/js/main.4f3a9c1b.js",
  "/static/css/main.8e2d1f0a.css",
  "/assets/fonts/Inter-var.woff2?v=3.19",
  "/favicon.ico",
  "/images/logo@2x.png",
  "/_next/static/chunks/pages/_app-2b3c4d5e6f7a8b9c.js",
  "/wp-content/themes/twentytwentyfour/style.css?ver=1.1",
  "/wp-includes/js/jquery/jquery.min.js?ver=3.7.1",
  "/manifest.webmanifest",
  "/robots.txt",
  "/sitemap.xml",
  "/apple-touch-icon.png",
  "/media/catalog/product/cache/1/image/800x/9df78eab33525d08d6e5fb8d27136e95/s/h/shoe.jpg",
];

function page(rng: Random, path: string, note: string, host: string, fetch = false): Draft {
  const referer = rng.chance(0.6)
    ? `https://${host}/${rng.pick(["", "search?q=shoes", "c/sale", "blog/"])}`
    : undefined;
  return {
    note,
    method: "GET",
    path,
    headers: browserHeaders(rng, host, { fetch, ...(referer === undefined ? {} : { referer }) }),
  };
}

const withQuery = (path: string, pairs: [string, string][], plus: boolean) =>
  pairs.length === 0 ? path : `${path}?${queryString(pairs, plus)}`;

export function browseGet(rng: Random): Draft {
  const host = rng.pick(HOSTS);
  const plus = rng.chance(0.6);
  switch (rng.int(0, 15)) {
    case 0:
    case 1: {
      const q: [string, string][] = [["q", rng.pick(SEARCH_TERMS)], ...sortAndPage(rng)];
      if (rng.chance(0.3)) q.push(...filterParams(rng));
      return page(
        rng,
        withQuery(rng.pick(["/search", "/s", "/en/search", "/catalogsearch/result/"]), q, plus),
        "site search",
        host,
      );
    }
    case 2:
    case 3: {
      const q = [
        ...filterParams(rng),
        ...sortAndPage(rng),
        ...(rng.chance(0.4) ? campaignParams(rng) : []),
      ];
      return page(
        rng,
        withQuery(`/c/${encodeURI(rng.pick(CATEGORIES))}`, q, plus),
        "category page with filters",
        host,
      );
    }
    case 4: {
      const q: [string, string][] = [
        ["variant", String(rng.int(10000, 99999))],
        ...campaignParams(rng),
      ];
      return page(
        rng,
        withQuery(
          `/products/${rng.pick(["trail-runner-apex", "drop-leaf-table-oak", "union-jack-cushion", "script-pen-set", "select-fit-jeans"])}-${rng.int(100, 9999)}`,
          q,
          plus,
        ),
        "product page from a campaign",
        host,
      );
    }
    case 5: {
      const q = rng.chance(0.6) ? campaignParams(rng) : [];
      return page(
        rng,
        withQuery(
          `/blog/2024/${String(rng.int(1, 12)).padStart(2, "0")}/${encodeURI(rng.pick(SLUGS))}`,
          q,
          plus,
        ),
        "blog article",
        host,
      );
    }
    case 6: {
      const q: [string, string][] = [
        ...filterParams(rng),
        ...sortAndPage(rng),
        ["_", String(1714000000000 + rng.int(0, 9999999))],
      ];
      return page(
        rng,
        withQuery(
          `/api/v${rng.int(1, 3)}/${rng.pick(["products", "articles", "orders", "tickets", "events"])}`,
          q,
          false,
        ),
        "SPA API call",
        host,
        true,
      );
    }
    case 7: {
      const variables = JSON.stringify(
        rng.pick([
          { id: String(rng.int(1, 99999)) },
          { slug: rng.pick(SLUGS), locale: "de-DE" },
          { first: 20, after: Buffer.from(`cursor:${rng.int(1, 500)}`).toString("base64") },
        ]),
      );
      const extensions = JSON.stringify({
        persistedQuery: { version: 1, sha256Hash: rng.hex(64) },
      });
      const q: [string, string][] = [
        ["operationName", rng.pick(["GetProduct", "ArticleBySlug", "OrdersPage"])],
        ["variables", variables],
        ["extensions", extensions],
      ];
      return page(
        rng,
        withQuery("/graphql", q, false),
        "GraphQL persisted query over GET",
        host,
        true,
      );
    }
    case 8: {
      const q: [string, string][] = [
        ["response_type", "code"],
        ["client_id", rng.chars(ALNUM, 32)],
        ["redirect_uri", `https://${host}/auth/callback`],
        [
          "scope",
          rng.pick(["openid profile email", "openid offline_access read:orders", "repo read:user"]),
        ],
        ["state", rng.chars(BASE64URL, 43)],
        ["code_challenge", rng.chars(BASE64URL, 43)],
        ["code_challenge_method", "S256"],
      ];
      if (rng.chance(0.4)) q.push(["nonce", rng.chars(ALNUM, 22)], ["prompt", "login"]);
      return page(
        rng,
        withQuery("/oauth/authorize", q, false),
        "OAuth authorization request",
        "login.example.com",
      );
    }
    case 9:
      return page(
        rng,
        withQuery(
          "/auth/callback",
          [
            ["code", rng.chars(`${ALNUM}-_.`, 40)],
            ["state", rng.chars(BASE64URL, 43)],
            ...(rng.chance(0.3)
              ? ([["session_state", `${rng.uuid()}.${rng.chars(ALNUM, 10)}`]] as [string, string][])
              : []),
          ],
          false,
        ),
        "OAuth callback",
        host,
      );
    case 10: {
      const q: [string, string][] = [
        ["v", "2"],
        ["tid", `G-${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)}`],
        ["gtm", "45je45i0v9"],
        ["cid", `${rng.int(100000000, 1999999999)}.${1714000000 + rng.int(0, 99999)}`],
        ["ul", rng.pick(["en-us", "de-de", "ja"])],
        ["sr", rng.pick(["1920x1080", "390x844", "2560x1440"])],
        ["en", rng.pick(["page_view", "scroll", "view_item", "add_to_cart"])],
        ["dl", `https://${host}/${rng.pick(SLUGS)}?utm_source=newsletter`],
        ["dr", "https://www.google.com/"],
        [
          "dt",
          rng.pick([
            "Select the right running shoe | Blog",
            "Union-made workwear – Shop",
            "Kaffee vs. Tee: Was ist gesünder?",
            "Drop-leaf tables & more",
          ]),
        ],
        ["_et", String(rng.int(1, 9000))],
      ];
      return page(
        rng,
        withQuery("/g/collect", q, false),
        "analytics beacon",
        "region1.analytics.example.com",
        true,
      );
    }
    case 11: {
      const next = `/${rng.pick(["account/orders?page=2", "checkout?step=payment", "admin/users?q=o%27brien", "settings/profile#security"])}`;
      return page(
        rng,
        withQuery(
          rng.pick(["/login", "/users/sign_in", "/auth/login"]),
          [[rng.pick(["next", "return_to", "redirect"]), next]],
          false,
        ),
        "login page with a return URL",
        host,
      );
    }
    case 12:
      return rng.chance(0.5)
        ? page(rng, `/wiki/${rng.pick(WIKI_TITLES)}`, "wiki article", "wiki.example.com")
        : page(
            rng,
            withQuery(
              "/w/index.php",
              [
                ["title", "Special:Search"],
                ["search", rng.pick(SEARCH_TERMS)],
                ["fulltext", "1"],
                ["ns0", "1"],
              ],
              true,
            ),
            "wiki full-text search",
            "wiki.example.com",
          );
    case 13:
      return page(rng, rng.pick(ASSETS), "static asset", host);
    case 14: {
      const q: [string, string][] = [
        ["from", "2024-05-01T00:00:00Z"],
        ["to", "2024-05-31T23:59:59Z"],
        ["tz", rng.pick(["Europe/Berlin", "America/New_York", "Asia/Tokyo"])],
        ["view", rng.pick(["month", "week", "agenda"])],
      ];
      if (rng.chance(0.5)) q.push(["calendars[]", "team"], ["calendars[]", "holidays"]);
      return page(rng, withQuery("/calendar/events", q, plus), "calendar range", host, true);
    }
    default: {
      const url = `https://${rng.pick(["partner.example.org", "docs.example.com", "www.example.net"])}/${rng.pick(SLUGS)}?ref=${rng.chars(ALNUM, 8)}&lang=de`;
      return page(
        rng,
        withQuery(
          rng.pick(["/out", "/redirect", "/l"]),
          [
            ["url", url],
            ["sig", rng.hex(40)],
          ],
          false,
        ),
        "outbound link redirect",
        host,
      );
    }
  }
}
