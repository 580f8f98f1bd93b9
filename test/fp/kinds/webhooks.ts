/**
 * Webhook deliveries as their senders post them: GitHub (issue bodies and comments carrying
 * Markdown and code), Stripe events with nested payment objects and metadata, Shopify orders
 * with notes and gift messages, and Slack event callbacks with chat text, each with the
 * sender's User-Agent and signature headers.
 */
import { SNIPPETS } from "../fragments/code-snippets.js";
import {
  CITIES,
  COUNTRIES,
  email,
  FIRST_NAMES,
  fullName,
  LAST_NAMES,
  message,
  STREETS,
} from "../fragments/people.js";
import { ALNUM, type Random } from "../random.js";
import { type Draft, jsonRequest as json, lineItems } from "./json-request.js";

export function githubWebhook(rng: Random): Draft {
  const snippet = rng.pick(SNIPPETS);
  const repo = {
    id: rng.int(1e6, 9e8),
    name: "widget",
    full_name: "acme/widget",
    private: false,
    html_url: "https://github.com/acme/widget",
    default_branch: "main",
  };
  const user = {
    login: rng.pick(["octocat", "jane-obrien", "m-mueller", "chenwei"]),
    id: rng.int(1, 9e7),
    type: "User",
    site_admin: false,
  };
  const event = rng.pick(["issue_comment", "push", "issues"]);
  const payload =
    event === "push"
      ? {
          ref: "refs/heads/main",
          before: rng.hex(40),
          after: rng.hex(40),
          repository: repo,
          pusher: { name: user.login, email: email(rng) },
          commits: [
            {
              id: rng.hex(40),
              message: rng.pick([
                "Fix: drop the stale index before reindexing",
                "Select the right locale for dates (#412)",
                "Update README.md",
                'Revert "union of both lists"',
                "chore(deps): bump express from 4.18.2 to 4.19.2",
              ]),
              timestamp: "2024-05-02T12:00:00+02:00",
              author: { name: fullName(rng), email: email(rng) },
              added: [],
              removed: [],
              modified: ["src/db/queries.sql", "README.md"],
            },
          ],
        }
      : {
          action: event === "issues" ? "opened" : "created",
          issue: {
            number: rng.int(1, 5000),
            title: rng.pick([
              "Build fails on Node 20",
              "UNION query returns duplicates",
              "Docker volume mount with $(pwd) fails on Windows",
              "Crash when name has an apostrophe",
            ]),
            state: "open",
            labels: [{ name: "bug", color: "d73a4a" }],
            body: `${message(rng, 1, 2, "en")}\n\n\`\`\`${snippet.lang}\n${snippet.code}\n\`\`\``,
          },
          ...(event === "issue_comment"
            ? {
                comment: {
                  id: rng.int(1e6, 9e8),
                  body: rng.pick([
                    "Can reproduce on macOS too.",
                    "Fixed in #1302, thanks!",
                    `Try this:\n\n\`\`\`${rng.pick(SNIPPETS).lang}\n${rng.pick(SNIPPETS).code}\n\`\`\``,
                  ]),
                  user,
                },
              }
            : {}),
          repository: repo,
          sender: user,
        };
  return json(
    rng,
    "POST",
    "/webhooks/github",
    `GitHub ${event} webhook`,
    "ci.example.com",
    payload,
    [
      ["host", "ci.example.com"],
      ["user-agent", `GitHub-Hookshot/${rng.hex(7)}`],
      ["x-github-event", event],
      ["x-github-delivery", rng.uuid()],
      ["x-hub-signature-256", `sha256=${rng.hex(64)}`],
      ["accept", "*/*"],
    ],
  );
}

export function stripeWebhook(rng: Random): Draft {
  const type = rng.pick([
    "payment_intent.succeeded",
    "checkout.session.completed",
    "customer.subscription.updated",
    "invoice.payment_failed",
  ]);
  const payload = {
    id: `evt_${rng.chars(ALNUM, 24)}`,
    object: "event",
    api_version: "2023-10-16",
    created: 1714000000 + rng.int(0, 99999),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${rng.chars(ALNUM, 14)}`, idempotency_key: rng.uuid() },
    data: {
      object: {
        id: `pi_${rng.chars(ALNUM, 24)}`,
        object: "payment_intent",
        amount: rng.int(100, 99999),
        currency: rng.pick(["eur", "usd"]),
        customer: `cus_${rng.chars(ALNUM, 14)}`,
        description: rng.pick([
          null,
          "Order #10023 – 2x Select Fit Jeans",
          "Subscription (Pro plan) – May",
        ]),
        metadata: {
          order_id: String(rng.int(10000, 99999)),
          note: rng.pick(["", "gift; don't show prices", "B2B & VAT exempt"]),
        },
        payment_method_types: ["card"],
        shipping: {
          name: fullName(rng),
          address: {
            line1: rng.pick(STREETS),
            city: rng.pick(CITIES),
            country: rng.pick(COUNTRIES),
            postal_code: String(rng.int(10000, 99999)),
          },
        },
        status: "succeeded",
      },
    },
  };
  return json(
    rng,
    "POST",
    "/webhooks/stripe",
    `Stripe ${type} webhook`,
    "shop.example.com",
    payload,
    [
      ["host", "shop.example.com"],
      ["user-agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"],
      ["stripe-signature", `t=1714000000,v1=${rng.hex(64)},v0=${rng.hex(64)}`],
      ["accept", "*/*; q=0.5, application/xml"],
      ["cache-control", "no-cache"],
    ],
  );
}

export function shopifyWebhook(rng: Random): Draft {
  const payload = {
    id: rng.int(1e12, 9e12),
    email: email(rng),
    created_at: "2024-05-02T12:00:00+02:00",
    currency: "EUR",
    total_price: `${rng.int(5, 900)}.${rng.int(10, 99)}`,
    note: rng.pick([
      null,
      "Please deliver after 6 pm; ring the bell twice.",
      "Geschenk – bitte ohne Rechnung!",
      "C'est un cadeau :)",
    ]),
    note_attributes: [
      {
        name: "gift_message",
        value: rng.pick([
          "Happy birthday, O'Malley!",
          "Alles Gute & bis bald",
          "お誕生日おめでとう",
        ]),
      },
    ],
    customer: {
      id: rng.int(1e9, 9e9),
      first_name: rng.pick(FIRST_NAMES),
      last_name: rng.pick(LAST_NAMES),
      tags: "vip, newsletter",
    },
    line_items: lineItems(rng).map((l) => ({
      title: l.name,
      quantity: l.quantity,
      price: (l.unit_price.amount / 100).toFixed(2),
      sku: l.sku,
      properties: [],
    })),
    shipping_address: {
      first_name: rng.pick(FIRST_NAMES),
      last_name: rng.pick(LAST_NAMES),
      address1: rng.pick(STREETS),
      city: rng.pick(CITIES),
      zip: String(rng.int(10000, 99999)),
      country_code: rng.pick(COUNTRIES),
    },
  };
  return json(
    rng,
    "POST",
    "/webhooks/shopify/orders-create",
    "Shopify orders/create webhook",
    "erp.example.com",
    payload,
    [
      ["host", "erp.example.com"],
      ["user-agent", "Shopify-Captain-Hook"],
      ["x-shopify-topic", "orders/create"],
      ["x-shopify-shop-domain", "acme-store.myshopify.com"],
      ["x-shopify-hmac-sha256", Buffer.from(rng.hex(32), "hex").toString("base64")],
      ["x-shopify-webhook-id", rng.uuid()],
    ],
  );
}

export function slackEvent(rng: Random): Draft {
  return json(
    rng,
    "POST",
    "/slack/events",
    "Slack event callback",
    "bot.example.com",
    {
      token: rng.chars(ALNUM, 24),
      team_id: `T${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)}`,
      type: "event_callback",
      event_id: `Ev${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)}`,
      event_time: 1714000000,
      event: {
        type: "message",
        channel: `C${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)}`,
        user: `U${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)}`,
        text: rng.pick([
          "deploying `api` to prod now :rocket:",
          "can someone `SELECT count(*) FROM orders` on the replica?",
          "lunch? :pizza: <@U024BE7LH>",
          message(rng, 1, 2),
          "the build is red again; `npm ci && npm test` passes locally",
        ]),
        ts: `1714000000.${rng.int(100000, 999999)}`,
      },
    },
    [
      ["host", "bot.example.com"],
      ["user-agent", "Slackbot 1.0 (+https://api.slack.com/robots)"],
      ["x-slack-request-timestamp", "1714000000"],
      ["x-slack-signature", `v0=${rng.hex(64)}`],
    ],
  );
}
