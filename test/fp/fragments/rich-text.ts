/**
 * HTML as rich-text editors produce it (TinyMCE, CKEditor 5, Quill, Trix, the WordPress block
 * editor): paragraphs with inline styles, bold and italic runs, links with target and rel,
 * images with alt text and data attributes, tables, lists, block quotes, code blocks with
 * escaped markup, character references, editor-specific classes and the empty paragraphs they
 * leave behind. Text comes from the multilingual prose pools, escaped as the editors escape it.
 */
import type { Random } from "../random.js";
import { message, PRODUCTS, price } from "./people.js";

export type Editor = "tinymce" | "ckeditor" | "quill" | "trix" | "wordpress";
export const EDITORS: readonly Editor[] = ["tinymce", "ckeditor", "quill", "trix", "wordpress"];

export function escapeHtml(text: string, editor: Editor): string {
  const basic = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  // TinyMCE writes named references for quotes and non-breaking spaces; others keep them raw.
  if (editor === "tinymce") return basic.replace(/"/g, "&quot;").replace(/\u00a0/g, "&nbsp;");
  if (editor === "quill") return basic.replace(/"/g, "&quot;");
  return basic;
}

const COLORS = ["#e03e2d", "#3598db", "rgb(34, 139, 34)", "#843fa1", "hsl(210, 70%, 40%)"];
const FONTS = [
  "'courier new', courier, monospace",
  "Arial, Helvetica, sans-serif",
  "Georgia, serif",
  "'Segoe UI', Roboto, 'Helvetica Neue', sans-serif",
];
const LINKS = [
  "https://www.example.com/blog/2024/05/spring-sale?utm_source=newsletter&utm_medium=email",
  "https://docs.example.org/en/latest/guide/select-a-plan.html#pricing",
  "https://maps.example.com/?q=Union+Square,+San+Francisco",
  "mailto:support@example.com?subject=Order%20question",
  "tel:+4930123456",
  "/products/drop-leaf-table",
  "#section-2",
  "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
  "https://de.wikipedia.org/wiki/Europ%C3%A4ische_Union",
];
const IMAGES = [
  "https://cdn.example.com/uploads/2024/05/team-photo.jpg",
  "/media/products/IMG_2041.png",
  "https://images.example.net/c/w_800,h_600,f_auto/q_auto/v1714/hero.webp",
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
];

function inline(rng: Random, editor: Editor): string {
  const text = escapeHtml(message(rng, 1, 2), editor);
  const words = text.split(" ");
  if (words.length < 4) return text;
  const at = rng.int(0, words.length - 3);
  const run = words.slice(at, at + rng.int(1, 3)).join(" ");
  const rest = (a: number, b?: number) => words.slice(a, b).join(" ");
  let wrapped: string;
  switch (rng.int(0, 6)) {
    case 0:
      wrapped = `<strong>${run}</strong>`;
      break;
    case 1:
      wrapped = `<em>${run}</em>`;
      break;
    case 2:
      wrapped = `<a href="${rng.pick(LINKS).replace(/&/g, "&amp;")}"${rng.chance(0.5) ? ' target="_blank" rel="noopener noreferrer"' : ""}>${run}</a>`;
      break;
    case 3:
      wrapped = `<span style="color: ${rng.pick(COLORS)};">${run}</span>`;
      break;
    case 4:
      wrapped = `<span style="font-family: ${rng.pick(FONTS)}; font-size: ${rng.int(10, 24)}pt;">${run}</span>`;
      break;
    case 5:
      wrapped = `<u>${run}</u>`;
      break;
    default:
      wrapped = `<code>${run}</code>`;
  }
  return `${rest(0, at)} ${wrapped} ${rest(at + run.split(" ").length)}`.trim();
}

function paragraph(rng: Random, editor: Editor): string {
  const body = inline(rng, editor);
  if (editor === "quill" && rng.chance(0.3))
    return `<p class="ql-align-${rng.pick(["center", "right", "justify"])}">${body}</p>`;
  if (editor === "tinymce" && rng.chance(0.3))
    return `<p style="text-align: ${rng.pick(["center", "right", "justify"])};">${body}</p>`;
  if (editor === "wordpress")
    return `<!-- wp:paragraph -->\n<p>${body}</p>\n<!-- /wp:paragraph -->`;
  if (editor === "trix") return `<div>${body}<br></div>`;
  return `<p>${body}</p>`;
}

function list(rng: Random, editor: Editor): string {
  const tag = rng.pick(["ul", "ol"]);
  const items = Array.from({ length: rng.int(2, 5) }, () => `<li>${inline(rng, editor)}</li>`);
  const cls = editor === "quill" ? "" : rng.chance(0.2) ? ' style="list-style-type: square;"' : "";
  return `<${tag}${cls}>${items.join(editor === "tinymce" ? "\n" : "")}</${tag}>`;
}

function table(rng: Random, editor: Editor): string {
  const rows = Array.from({ length: rng.int(2, 4) }, () => {
    const product = escapeHtml(rng.pick(PRODUCTS), editor);
    return `<tr><td>${product}</td><td style="text-align: right;">${escapeHtml(price(rng), editor)}</td><td>${rng.int(1, 9)}</td></tr>`;
  });
  const head = "<thead><tr><th>Item</th><th>Price</th><th>Qty</th></tr></thead>";
  const t = `<table style="border-collapse: collapse; width: 100%;" border="1">${head}<tbody>${rows.join("")}</tbody></table>`;
  return editor === "ckeditor" ? `<figure class="table">${t}</figure>` : t;
}

function image(rng: Random, editor: Editor): string {
  const src = rng.pick(IMAGES);
  const alt = escapeHtml(
    rng.pick([
      "Team photo (2024)",
      "Product shot – front",
      'Screenshot of the "Select plan" page',
      "Map: Union Square",
      "",
    ]),
    editor,
  );
  const img = `<img src="${src}" alt="${alt.replace(/"/g, "&quot;")}" width="${rng.int(200, 1200)}" height="${rng.int(150, 900)}"${rng.chance(0.3) ? ' loading="lazy"' : ""}>`;
  if (editor === "ckeditor")
    return `<figure class="image">${img}<figcaption>${escapeHtml(message(rng, 1, 1), editor)}</figcaption></figure>`;
  if (editor === "wordpress")
    return `<!-- wp:image {"id":${rng.int(100, 9999)},"sizeSlug":"large"} -->\n<figure class="wp-block-image size-large">${img.replace("<img ", `<img class="wp-image-${rng.int(100, 9999)}" `)}</figure>\n<!-- /wp:image -->`;
  return `<p>${img}</p>`;
}

function quote(rng: Random, editor: Editor): string {
  return `<blockquote><p>${inline(rng, editor)}</p>${rng.chance(0.5) ? `<p>— ${escapeHtml(rng.pick(["Jane O'Brien", "Hélène d'Arcy", "李明", "Dr. Ben-David"]), editor)}</p>` : ""}</blockquote>`;
}

const CODE_BLOCKS = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a JavaScript snippet shown in an editor code block
  'const el = document.querySelector("#price");\nel.textContent = `${amount} €`;',
  "SELECT id, name FROM products WHERE price < 20 ORDER BY name;",
  '<div class="alert alert-info">Saved!</div>',
  "npm install --save-dev vitest",
  "if (a < b && b > c) { return a; }",
];

function codeBlock(rng: Random, editor: Editor): string {
  const code = escapeHtml(rng.pick(CODE_BLOCKS), editor === "tinymce" ? "ckeditor" : editor);
  if (editor === "quill") return `<pre class="ql-syntax" spellcheck="false">${code}\n</pre>`;
  if (editor === "ckeditor")
    return `<pre><code class="language-${rng.pick(["javascript", "sql", "html", "plaintext"])}">${code}</code></pre>`;
  return `<pre>${code}</pre>`;
}

function heading(rng: Random, editor: Editor): string {
  const level = rng.int(2, 4);
  const text = escapeHtml(
    rng.pick([
      "Update & next steps",
      "What's new (May)",
      "Q&A",
      "Don't miss: our union-made collection",
      "Select highlights",
      "Résumé",
      "お知らせ",
      "Новости",
    ]),
    editor,
  );
  return editor === "wordpress"
    ? `<!-- wp:heading {"level":${level}} -->\n<h${level} class="wp-block-heading">${text}</h${level}>\n<!-- /wp:heading -->`
    : `<h${level}>${text}</h${level}>`;
}

function embed(rng: Random, editor: Editor): string {
  const id = rng.pick(["dQw4w9WgXcQ", "M7lc1UVf-VE", "aqz-KE-bpKQ"]);
  if (editor === "ckeditor")
    return `<figure class="media"><oembed url="https://www.youtube.com/watch?v=${id}"></oembed></figure>`;
  if (editor === "tinymce")
    return `<p><iframe src="https://www.youtube.com/embed/${id}" width="560" height="314" allowfullscreen="allowfullscreen"></iframe></p>`;
  return `<p><a href="https://youtu.be/${id}">https://youtu.be/${id}</a></p>`;
}

/** One document of 1 to 7 blocks, as `editor` serialises it. */
export function richTextDocument(rng: Random, editor: Editor): string {
  const blocks: string[] = [];
  const count = rng.int(1, 7);
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    if (roll < 0.45) blocks.push(paragraph(rng, editor));
    else if (roll < 0.57) blocks.push(list(rng, editor));
    else if (roll < 0.65) blocks.push(image(rng, editor));
    else if (roll < 0.72) blocks.push(table(rng, editor));
    else if (roll < 0.79) blocks.push(heading(rng, editor));
    else if (roll < 0.86) blocks.push(quote(rng, editor));
    else if (roll < 0.93) blocks.push(codeBlock(rng, editor));
    else if (roll < 0.96) blocks.push(embed(rng, editor));
    else
      blocks.push(
        editor === "quill" ? "<p><br></p>" : editor === "tinymce" ? "<p>&nbsp;</p>" : "<p></p>",
      );
  }
  return blocks.join(editor === "tinymce" || editor === "wordpress" ? "\n" : "");
}
