/**
 * JSON API requests: shopping carts and orders with nested addresses, profile updates, search
 * with filter objects (Elasticsearch-style query DSL), GraphQL operations with variables,
 * JSON:API documents, analytics event batches, OAuth token requests, JSON-RPC, CSP and error
 * reports from browsers, and webhook deliveries (webhooks.ts).
 */
import { BROWSERS, browserHeaders } from "../fragments/clients.js";
import { SNIPPETS } from "../fragments/code-snippets.js";
import {
  CITIES,
  email,
  FIRST_NAMES,
  fullName,
  LAST_NAMES,
  message,
  PRODUCTS,
} from "../fragments/people.js";
import { SEARCH_TERMS } from "../fragments/search.js";
import { ALNUM, BASE64URL, type Random } from "../random.js";
import { address, type Draft, jsonRequest as json, lineItems } from "./json-request.js";
import { githubWebhook, shopifyWebhook, slackEvent, stripeWebhook } from "./webhooks.js";

const GRAPHQL = [
  {
    operationName: "SearchProducts",
    query:
      "query SearchProducts($q: String!, $first: Int = 20, $after: String) {\n  products(filter: {name: {contains: $q}}, first: $first, after: $after) {\n    edges { node { id name price { amount currency } } }\n    pageInfo { hasNextPage endCursor }\n  }\n}",
    vars: (rng: Random) => ({ q: rng.pick(SEARCH_TERMS), first: 24, after: null }),
  },
  {
    operationName: "AddToCart",
    query:
      "mutation AddToCart($input: CartLinesAddInput!) {\n  cartLinesAdd(input: $input) {\n    cart { id totalQuantity cost { totalAmount { amount currencyCode } } }\n    userErrors { field message }\n  }\n}",
    vars: (rng: Random) => ({
      input: {
        cartId: `gid://shop/Cart/${rng.hex(24)}`,
        lines: [
          {
            merchandiseId: `gid://shop/ProductVariant/${rng.int(1e6, 9e6)}`,
            quantity: rng.int(1, 3),
          },
        ],
      },
    }),
  },
  {
    operationName: "AddComment",
    query:
      "mutation AddComment($subjectId: ID!, $body: String!) {\n  addComment(input: {subjectId: $subjectId, body: $body}) {\n    commentEdge { node { id url } }\n  }\n}",
    vars: (rng: Random) => ({ subjectId: `I_${rng.chars(ALNUM, 16)}`, body: message(rng, 1, 4) }),
  },
  {
    operationName: "Viewer",
    query:
      "fragment UserParts on User { id login name avatarUrl(size: 64) }\nquery Viewer { viewer { ...UserParts organizations(first: 5) { nodes { login } } } }",
    vars: () => ({}),
  },
  {
    operationName: "UpdateProfile",
    query:
      "mutation UpdateProfile($bio: String, $location: String) {\n  updateProfile(bio: $bio, location: $location) { ok errors }\n}",
    vars: (rng: Random) => ({ bio: message(rng, 1, 2), location: rng.pick(CITIES) }),
  },
];

export function jsonApi(rng: Random): Draft {
  const host = rng.pick([
    "api.example.com",
    "shop.example.com",
    "app.example.net",
    "backend.example.de",
  ]);
  switch (rng.int(0, 17)) {
    case 0:
      return json(rng, "POST", "/api/cart/items", "add to cart", host, {
        product_id: rng.int(1, 99999),
        variant_id: rng.int(1, 999999),
        quantity: rng.int(1, 4),
        properties: rng.chance(0.3)
          ? { engraving: rng.pick(["Love you, Mum!", "J & M 2024", "Select Team", '"Carpe diem"']) }
          : {},
      });
    case 1:
      return json(rng, "POST", "/api/v2/orders", "create an order", host, {
        customer: {
          email: email(rng),
          first_name: rng.pick(FIRST_NAMES),
          last_name: rng.pick(LAST_NAMES),
          accepts_marketing: rng.chance(0.5),
        },
        shipping_address: address(rng),
        billing_address: rng.chance(0.5) ? address(rng) : null,
        line_items: lineItems(rng),
        note: rng.pick(["", message(rng, 1, 2)]),
        discount_codes: rng.chance(0.3) ? ["SPRING20"] : [],
        payment: {
          method: rng.pick(["card", "paypal", "klarna", "sepa_debit"]),
          token: `tok_${rng.chars(ALNUM, 24)}`,
        },
      });
    case 2:
      return json(rng, "PATCH", `/api/users/${rng.int(1, 999999)}`, "profile update", host, {
        display_name: fullName(rng),
        bio: message(rng, 1, 3),
        locale: rng.pick(["en-US", "de-DE", "pt-BR", "ja-JP"]),
        timezone: rng.pick(["Europe/Berlin", "America/Sao_Paulo", "Asia/Tokyo"]),
        notifications: {
          email: rng.chance(0.5),
          push: rng.chance(0.5),
          digest: rng.pick(["daily", "weekly", "never"]),
        },
        website: rng.pick([null, "https://example.org/~me", "https://github.com/o-brien"]),
      });
    case 3:
      return json(rng, "POST", "/search/products/_search", "search with a query DSL", host, {
        query: {
          bool: {
            must: [
              {
                multi_match: {
                  query: rng.pick(SEARCH_TERMS),
                  fields: ["title^3", "description", "brand"],
                },
              },
            ],
            filter: [
              { range: { price: { gte: rng.int(0, 50), lte: rng.int(60, 500) } } },
              { terms: { "category.keyword": ["shoes", "running"] } },
            ],
          },
        },
        sort: [{ _score: "desc" }, { price: "asc" }],
        from: rng.int(0, 5) * 24,
        size: 24,
        aggs: { brands: { terms: { field: "brand.keyword", size: 20 } } },
      });
    case 4:
      return json(rng, "POST", "/api/search", "search with filters", host, {
        q: rng.pick(SEARCH_TERMS),
        filters: {
          price: { min: rng.int(0, 20), max: rng.int(50, 300) },
          in_stock: true,
          tags: rng.sample(["sale", "new", "eco", "union-made", "bestseller"], 2),
        },
        sort: rng.pick(["relevance", "-price", "created_at"]),
        page: rng.int(1, 9),
        per_page: 24,
      });
    case 5:
    case 6: {
      const op = rng.pick(GRAPHQL);
      return json(rng, "POST", "/graphql", `GraphQL ${op.operationName}`, host, {
        operationName: op.operationName,
        query: op.query,
        variables: op.vars(rng),
      });
    }
    case 7:
      return json(rng, "POST", "/api/articles", "JSON:API document", host, {
        data: {
          type: "articles",
          attributes: {
            title: rng.pick([
              "Why we dropped our old pricing",
              "Union-made workwear: a guide",
              "Selecting a CMS in 2024",
              "Kaffee oder Tee?",
            ]),
            body: message(rng, 2, 5),
            published: rng.chance(0.5),
          },
          relationships: {
            author: { data: { type: "people", id: String(rng.int(1, 500)) } },
            tags: {
              data: [
                { type: "tags", id: "12" },
                { type: "tags", id: "31" },
              ],
            },
          },
        },
      });
    case 8: {
      const ua = rng.pick(BROWSERS).ua;
      return json(rng, "POST", "/v1/batch", "analytics event batch", "events.example.com", {
        batch: Array.from({ length: rng.int(1, 4) }, () => ({
          type: "track",
          event: rng.pick([
            "Product Viewed",
            "Product Added",
            "Checkout Started",
            "Order Completed",
            "Search Performed",
          ]),
          properties: {
            product_id: String(rng.int(1, 99999)),
            name: rng.pick(PRODUCTS),
            price: rng.int(1, 500) + 0.99,
            currency: "EUR",
            query: rng.pick(SEARCH_TERMS),
          },
          context: {
            userAgent: ua,
            locale: rng.pick(["en-US", "de-DE"]),
            page: {
              url: `https://shop.example.com/products/${rng.int(1, 999)}?utm_source=newsletter&utm_campaign=spring`,
              referrer: "https://www.google.com/",
              title: rng.pick(["Trail Runner – Shop", "Select Fit Jeans | Example"]),
            },
          },
          anonymousId: rng.uuid(),
          messageId: `ajs-${rng.hex(32)}`,
          timestamp: "2024-05-02T10:11:12.345Z",
        })),
        sentAt: "2024-05-02T10:11:13.001Z",
        writeKey: rng.chars(ALNUM, 32),
      });
    }
    case 9:
      return json(rng, "POST", "/oauth/token", "OAuth token request (JSON)", "auth.example.com", {
        grant_type: "authorization_code",
        client_id: rng.chars(ALNUM, 32),
        code: rng.chars(`${ALNUM}-_`, 40),
        redirect_uri: "https://app.example.com/callback",
        code_verifier: rng.chars(BASE64URL, 64),
      });
    case 10:
      return githubWebhook(rng);
    case 11:
      return stripeWebhook(rng);
    case 12:
      return shopifyWebhook(rng);
    case 13:
      return slackEvent(rng);
    case 14:
      return json(rng, "POST", "/rpc", "JSON-RPC call (Ethereum)", "node.example.com", {
        jsonrpc: "2.0",
        id: rng.int(1, 999),
        method: rng.pick(["eth_call", "eth_getBalance", "eth_estimateGas"]),
        params: [
          {
            from: `0x${rng.hex(40)}`,
            to: `0x${rng.hex(40)}`,
            data: `0xa9059cbb000000000000000000000000${rng.hex(40)}${rng.hex(64)}`,
          },
          "latest",
        ],
      });
    case 15:
      return {
        ...json(
          rng,
          "POST",
          "/csp-report",
          "CSP violation report",
          "www.example.com",
          {
            "csp-report": {
              "document-uri": "https://www.example.com/checkout?step=2",
              referrer: "https://www.example.com/cart",
              "violated-directive": "script-src-elem",
              "effective-directive": "script-src-elem",
              "original-policy":
                "default-src 'self'; script-src 'self' https://cdn.example.com 'nonce-r4nd0m'; img-src * data:; report-uri /csp-report",
              disposition: "enforce",
              "blocked-uri": rng.pick([
                "https://www.googletagmanager.com/gtm.js?id=GTM-ABC123",
                "inline",
                "eval",
                "chrome-extension",
              ]),
              "line-number": rng.int(1, 400),
              "source-file": "https://www.example.com/checkout",
              "status-code": 200,
              "script-sample": "",
            },
          },
          browserHeaders(rng, "www.example.com", { fetch: true }),
        ),
        content_type: "application/csp-report",
      };
    case 16:
      return json(rng, "POST", "/api/errors", "browser error report", host, {
        message: rng.pick([
          "TypeError: Cannot read properties of undefined (reading 'price')",
          "ReferenceError: dataLayer is not defined",
          "Uncaught (in promise) Error: Request failed with status code 502",
          "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
        ]),
        stack:
          "at renderCart (https://shop.example.com/static/js/main.4f3a9c1b.js:2:10412)\n    at https://shop.example.com/static/js/main.4f3a9c1b.js:2:11873\n    at Array.forEach (<anonymous>)",
        url: "https://shop.example.com/cart?coupon=SPRING20",
        userAgent: rng.pick(BROWSERS).ua,
        release: `web@${rng.int(1, 9)}.${rng.int(0, 30)}.${rng.int(0, 9)}`,
        breadcrumbs: [
          { category: "ui.click", message: "button#checkout.btn.btn-primary" },
          { category: "fetch", data: { method: "POST", url: "/api/cart", status_code: 502 } },
        ],
      });
    default:
      return json(rng, "POST", "/api/messages", "chat message", host, {
        conversation_id: rng.uuid(),
        body: rng.chance(0.3)
          ? `\`\`\`${rng.pick(SNIPPETS).lang}\n${rng.pick(SNIPPETS).code}\n\`\`\``
          : message(rng, 1, 3),
        attachments: [],
        client_msg_id: rng.uuid(),
      });
  }
}
