/**
 * File uploads as multipart/form-data, framed the way real clients frame them: Chrome's and
 * Safari's WebKitFormBoundary, Firefox's geckoformboundary and dashes-and-digits boundaries,
 * curl's, Python requests' and OkHttp's. Text fields (titles, descriptions in many languages,
 * crop parameters) come with one to three files: images, PDFs, Office documents, CSV exports,
 * logs, calendars, SVG icons and source files.
 */
import type { FpRequest } from "../corpus-format.js";
import { apiHeaders, browserHeaders } from "../fragments/clients.js";
import { uploadFile } from "../fragments/files.js";
import { message } from "../fragments/people.js";
import { ALNUM, type Random } from "../random.js";

type Draft = Omit<FpRequest, "id">;

type Part =
  | { readonly name: string; readonly value: string }
  | {
      readonly name: string;
      readonly filename: string;
      readonly contentType: string;
      readonly bytes: Uint8Array;
    };

function boundary(rng: Random): { value: string; browser: boolean } {
  switch (rng.int(0, 4)) {
    case 0:
      return { value: `----WebKitFormBoundary${rng.chars(ALNUM, 16)}`, browser: true };
    case 1:
      return { value: `----geckoformboundary${rng.hex(32)}`, browser: true };
    case 2:
      return {
        value: `---------------------------${rng.int(1e9, 9e9)}${rng.int(1e9, 9e9)}${rng.int(1e9, 9e9)}`,
        browser: true,
      };
    case 3:
      return { value: `------------------------${rng.hex(16)}`, browser: false };
    default:
      return { value: rng.chance(0.5) ? rng.hex(32) : rng.uuid(), browser: false };
  }
}

/** Quotes a Content-Disposition parameter as browsers do (a quote becomes %22). */
const quoted = (s: string) => `"${s.replace(/"/g, "%22").replace(/\r?\n/g, " ")}"`;

function multipart(b: string, parts: readonly Part[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    out.push(Buffer.from(`--${b}\r\n`));
    if ("filename" in p) {
      out.push(
        Buffer.from(
          `Content-Disposition: form-data; name=${quoted(p.name)}; filename=${quoted(p.filename)}\r\nContent-Type: ${p.contentType}\r\n\r\n`,
          "utf8",
        ),
      );
      out.push(Buffer.from(p.bytes));
    } else {
      out.push(
        Buffer.from(
          `Content-Disposition: form-data; name=${quoted(p.name)}\r\n\r\n${p.value}`,
          "utf8",
        ),
      );
    }
    out.push(Buffer.from("\r\n"));
  }
  out.push(Buffer.from(`--${b}--\r\n`));
  return Buffer.concat(out);
}

const FORMS: readonly {
  path: string;
  note: string;
  fields: (rng: Random) => [string, string][];
  fileField: string;
  max: number;
}[] = [
  {
    path: "/support/tickets/attachments",
    note: "support ticket with attachments",
    fileField: "attachments[]",
    max: 3,
    fields: (rng) => [
      ["ticket_id", String(rng.int(10000, 99999))],
      ["comment", message(rng, 1, 4)],
    ],
  },
  {
    path: "/account/avatar",
    note: "avatar upload with crop box",
    fileField: "avatar",
    max: 1,
    fields: (rng) => [
      ["crop[x]", String(rng.int(0, 200))],
      ["crop[y]", String(rng.int(0, 200))],
      ["crop[w]", "256"],
      ["crop[h]", "256"],
    ],
  },
  {
    path: "/apply/documents",
    note: "job application documents",
    fileField: "cv",
    max: 2,
    fields: (rng) => [
      ["name", message(rng, 1, 1).slice(0, 40)],
      ["cover_letter", message(rng, 2, 6)],
      [
        "position",
        rng.pick(["Backend Engineer (m/w/d)", "Chargé(e) de clientèle", "Diseñador/a UX"]),
      ],
    ],
  },
  {
    path: "/wp-admin/async-upload.php",
    note: "WordPress media upload",
    fileField: "async-upload",
    max: 1,
    fields: (rng) => [
      ["name", "image.png"],
      ["action", "upload-attachment"],
      ["_wpnonce", rng.hex(10)],
      ["post_id", String(rng.int(1, 9999))],
    ],
  },
  {
    path: "/api/v1/imports",
    note: "CSV import through an API",
    fileField: "file",
    max: 1,
    fields: (rng) => [
      ["mapping", JSON.stringify({ name: "B", email: "C", amount: "F" })],
      ["dry_run", rng.pick(["true", "false"])],
      ["delimiter", ","],
    ],
  },
  {
    path: "/upload",
    note: "generic upload form",
    fileField: "file",
    max: 3,
    fields: (rng) => [
      ["title", message(rng, 1, 1).slice(0, 60)],
      ["description", message(rng, 1, 3)],
      ["visibility", rng.pick(["public", "private", "unlisted"])],
    ],
  },
  {
    path: "/repos/acme/widget/issues/attachments",
    note: "issue attachment (logs, screenshots, repro files)",
    fileField: "file",
    max: 2,
    fields: (rng) => [["authenticity_token", rng.chars(`${ALNUM}+/=`, 88)]],
  },
];

export function upload(rng: Random): Draft {
  const form = rng.pick(FORMS);
  const { value: b, browser } = boundary(rng);
  const host = rng.pick(["www.example.com", "app.example.net", "files.example.org"]);
  const parts: Part[] = form.fields(rng).map(([name, value]) => ({ name, value }));
  for (let i = rng.int(1, form.max); i > 0; i--)
    parts.push({ name: form.fileField, ...uploadFile(rng) });
  const body = multipart(b, parts);
  return {
    note: form.note,
    method: "POST",
    path: form.path,
    headers: browser
      ? browserHeaders(rng, host, {
          fetch: rng.chance(0.5),
          referer: `https://${host}${form.path}`,
          origin: true,
        })
      : apiHeaders(rng, host),
    content_type: `multipart/form-data; boundary=${b}`,
    body_base64: body.toString("base64"),
  };
}
