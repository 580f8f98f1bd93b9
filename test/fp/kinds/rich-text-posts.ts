/**
 * Rich-text HTML from editors, posted the ways content systems post it: a classic CMS form
 * (TinyMCE in WordPress's post.php, Drupal node forms), the WordPress REST API and headless
 * CMS APIs (JSON with the HTML as a string), Quill (HTML plus its Delta), Trix in Rails forms,
 * and e-mail campaign builders.
 */
import type { FpRequest } from "../corpus-format.js";
import { browserHeaders } from "../fragments/clients.js";
import { message } from "../fragments/people.js";
import { EDITORS, richTextDocument } from "../fragments/rich-text.js";
import { queryString } from "../fragments/search.js";
import { ALNUM, type Random } from "../random.js";

type Draft = Omit<FpRequest, "id">;

const TITLES = [
  "Spring sale: up to 40% off",
  "Why we dropped our old pricing",
  "Union-made workwear is back",
  "Select the right plan for your team",
  "Release notes 2.4 (May)",
  "Neuigkeiten aus dem Verein",
  "Nos coups de cœur de la semaine",
  "Mensaje del director",
  "今月のおすすめ",
  "Итоги квартала",
  "The script for our summer play",
  "Alert: office closed on Friday",
  "Rock & roll night – photos",
];

function form(
  rng: Random,
  path: string,
  note: string,
  host: string,
  pairs: [string, string][],
): Draft {
  return {
    note,
    method: "POST",
    path,
    headers: browserHeaders(rng, host, {
      fetch: false,
      referer: `https://${host}${path}`,
      origin: true,
    }),
    content_type: "application/x-www-form-urlencoded",
    body: queryString(pairs, true),
  };
}

function json(
  rng: Random,
  method: string,
  path: string,
  note: string,
  host: string,
  value: unknown,
): Draft {
  return {
    note,
    method,
    path,
    headers: browserHeaders(rng, host, {
      fetch: true,
      referer: `https://${host}/admin/`,
      origin: true,
    }),
    content_type: "application/json",
    body: JSON.stringify(value),
  };
}

/** A Quill Delta for plain paragraphs (what Quill stores alongside its HTML). */
function delta(rng: Random): unknown {
  return {
    ops: [
      { insert: `${message(rng, 1, 2)}\n` },
      { attributes: { bold: true }, insert: "Note:" },
      { insert: ` ${message(rng, 1, 1)}\n` },
    ],
  };
}

export function richTextPost(rng: Random): Draft {
  const editor = rng.pick(EDITORS);
  const html = richTextDocument(rng, editor);
  const title = rng.pick(TITLES);
  switch (rng.int(0, 6)) {
    case 0:
      return form(
        rng,
        "/wp-admin/post.php",
        `${editor} post saved from the classic editor`,
        "blog.example.org",
        [
          ["_wpnonce", rng.hex(10)],
          ["_wp_http_referer", `/wp-admin/post.php?post=${rng.int(1, 9999)}&action=edit`],
          ["user_ID", "1"],
          ["action", "editpost"],
          ["post_ID", String(rng.int(1, 9999))],
          ["post_title", title],
          ["content", html],
          ["excerpt", message(rng, 1, 1)],
          ["post_status", "draft"],
          ["save", "Save Draft"],
        ],
      );
    case 1:
      return json(
        rng,
        "POST",
        `/wp-json/wp/v2/posts/${rng.int(1, 9999)}`,
        `${editor} post through the WordPress REST API`,
        "blog.example.org",
        {
          title,
          content: html,
          status: rng.pick(["draft", "publish", "pending"]),
          excerpt: message(rng, 1, 1),
          categories: [rng.int(1, 20)],
          tags: [rng.int(1, 90), rng.int(1, 90)],
        },
      );
    case 2:
      return form(
        rng,
        `/node/${rng.int(1, 9999)}/edit`,
        `${editor} Drupal node form`,
        "www.example.de",
        [
          ["title[0][value]", title],
          ["body[0][value]", html],
          ["body[0][format]", "full_html"],
          ["changed", "1714000000"],
          ["form_build_id", `form-${rng.chars(ALNUM, 43)}`],
          ["form_token", rng.chars(ALNUM, 43)],
          ["form_id", "node_article_edit_form"],
          ["op", "Save"],
        ],
      );
    case 3:
      return json(
        rng,
        "PUT",
        `/api/content/pages/${rng.uuid()}`,
        `${editor} page in a headless CMS`,
        "cms.example.com",
        {
          data: {
            title,
            slug: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
            body: html,
            seo: { metaTitle: title, metaDescription: message(rng, 1, 1) },
            locale: rng.pick(["en", "de", "fr", "ja"]),
          },
        },
      );
    case 4:
      return json(rng, "POST", "/api/notes", "Quill note (HTML and Delta)", "app.example.net", {
        title,
        html: richTextDocument(rng, "quill"),
        delta: delta(rng),
        pinned: rng.chance(0.2),
      });
    case 5:
      return form(rng, "/posts", "Trix body in a Rails form", "app.example.com", [
        ["authenticity_token", rng.chars(`${ALNUM}+/=`, 88)],
        ["post[title]", title],
        ["post[body]", richTextDocument(rng, "trix")],
        ["commit", "Create Post"],
      ]);
    default:
      return json(
        rng,
        "POST",
        "/api/campaigns",
        "e-mail campaign from a newsletter builder",
        "mail.example.com",
        {
          name: title,
          subject: `${title} ✉️`,
          preheader: message(rng, 1, 1),
          from: { name: "Acme & Co.", email: "news@example.com" },
          html: `<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{font-family:Arial,sans-serif} .btn{background:#3598db;color:#fff;padding:8px 16px}</style></head><body>${html}<p style="font-size:11px;color:#888">You receive this because you subscribed. <a href="https://mail.example.com/unsubscribe?u=${rng.hex(16)}&amp;id=${rng.hex(10)}">Unsubscribe</a></p></body></html>`,
          list_ids: [rng.int(1, 50)],
        },
      );
  }
}
