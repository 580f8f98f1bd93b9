/**
 * Files people upload, as bytes: small but well-formed PNG, JPEG, GIF and PDF files (real
 * headers and structure around random compressed data), Office documents (zip containers),
 * CSV exports, notes, vCards and calendars, SVG icons, Markdown, logs, and source files in
 * several languages. Each comes with the file name and part Content-Type a browser or HTTP
 * library would send for it.
 */
import { deflateSync } from "node:zlib";
import type { Random } from "../random.js";
import { SNIPPETS } from "./code-snippets.js";
import { CITIES, COUNTRIES, email, fullName, message, PRODUCTS, price } from "./people.js";

export interface UploadFile {
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

const utf8 = (s: string) => Buffer.from(s, "utf8");

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A valid PNG of w×h RGB pixels with random content. */
export function png(rng: Random, w: number, h: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) raw.set(rng.bytes(w * 3), y * (w * 3 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("tEXt", utf8("Software\0GIMP 2.10.36")),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/** A JPEG-shaped file: SOI, JFIF APP0, an Exif-like comment, random scan data, EOI. */
export function jpeg(rng: Random, size: number): Uint8Array {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, 0x00, 0x48, 0x00, 0x48,
    0x00, 0x00,
  ]);
  const comment = utf8("Canon EOS R6 / f2.8 1/250s ISO 400");
  const com = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, comment.length + 2]), comment]);
  const sos = Buffer.from([
    0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00,
  ]);
  const scan = Buffer.from(rng.bytes(size));
  for (let i = 0; i < scan.length; i++) if (scan[i] === 0xff) scan[i] = 0xfe;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    app0,
    com,
    sos,
    scan,
    Buffer.from([0xff, 0xd9]),
  ]);
}

export function gif(rng: Random): Uint8Array {
  return Buffer.concat([
    utf8("GIF89a"),
    Buffer.from([0x10, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00]),
    Buffer.from(rng.bytes(6)),
    Buffer.from([0x2c, 0, 0, 0, 0, 0x10, 0, 0x10, 0, 0, 0x02, 0x16]),
    Buffer.from(rng.bytes(22)),
    Buffer.from([0x00, 0x3b]),
  ]);
}

/** A small PDF with one page of text and a compressed content stream. */
export function pdf(rng: Random, text: string): Uint8Array {
  const content = deflateSync(
    utf8(`BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, "").slice(0, 80)}) Tj ET`),
  );
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
  ];
  const parts: Buffer[] = [Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  for (const [i, o] of objects.entries()) parts.push(utf8(`${i + 1} 0 obj\n${o}\nendobj\n`));
  parts.push(
    utf8(`4 0 obj\n<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`),
    content,
    utf8("\nendstream\nendobj\n"),
  );
  parts.push(
    utf8(
      `5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n6 0 obj\n<< /Producer (Microsoft® Word for Microsoft 365) /CreationDate (D:20240502101112+02'00') /Title (${rng.pick(["Invoice", "Rechnung", "CV", "Report Q1"])}) >>\nendobj\n`,
    ),
  );
  parts.push(utf8("trailer\n<< /Root 1 0 R /Info 6 0 R /Size 7 >>\n%%EOF\n"));
  return Buffer.concat(parts);
}

/** An Office Open XML document's first bytes: a zip local header for [Content_Types].xml. */
export function officeZip(rng: Random): Uint8Array {
  const name = utf8("[Content_Types].xml");
  const head = Buffer.alloc(30);
  head.writeUInt32LE(0x04034b50, 0);
  head.writeUInt16LE(20, 4);
  head.writeUInt16LE(8, 8);
  head.writeUInt16LE(name.length, 26);
  return Buffer.concat([
    head,
    name,
    deflateSync(
      utf8(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
      ),
    ),
    Buffer.from(rng.bytes(rng.int(200, 900))),
  ]);
}

function csv(rng: Random): string {
  const rows = ["id,name,email,city,country,amount,note"];
  for (let i = 1; i <= rng.int(3, 25); i++) {
    const note = rng.pick([
      "",
      "VIP",
      '"Smith, John"',
      '"said ""call me"""',
      "union member",
      "select customer",
      "drop-ship",
      "n/a; see #12",
    ]);
    rows.push(
      `${i},"${fullName(rng).replace(/"/g, '""')}",${email(rng)},${rng.pick(CITIES)},${rng.pick(COUNTRIES)},${(rng.int(100, 99999) / 100).toFixed(2)},${note}`,
    );
  }
  return `${rows.join("\r\n")}\r\n`;
}

function vcard(rng: Random): string {
  const name = fullName(rng);
  return `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${name}\r\nORG:Smith & Sons Ltd.;Sales\r\nEMAIL;TYPE=INTERNET:${email(rng)}\r\nTEL;TYPE=CELL:+49 151 2345678\r\nADR;TYPE=WORK:;;Hauptstraße 12a;München;;80331;Germany\r\nNOTE:Met at the trade fair (Hall 3); interested in the "Select" line.\r\nEND:VCARD\r\n`;
}

function ics(rng: Random): string {
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example Corp//Calendar 1.0//EN\r\nBEGIN:VEVENT\r\nUID:${rng.uuid()}@example.com\r\nDTSTART;TZID=Europe/Berlin:20240614T100000\r\nDTEND;TZID=Europe/Berlin:20240614T113000\r\nSUMMARY:Union meeting – Q2 review\r\nLOCATION:Room 4.01\\, Hauptstraße 12a\r\nDESCRIPTION:Agenda: 1) budget\\; 2) hiring\\; 3) AOB\\nDial-in: +49 30 123456\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
}

function svg(rng: Random): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24"><title>${rng.pick(["Cart", "Search", "Alert"])} icon</title><path fill="none" stroke="currentColor" stroke-width="2" d="M${rng.int(1, 9)} ${rng.int(1, 9)}h14l-1.5 9h-11z"/><circle cx="9" cy="20" r="1.5"/></svg>\n`;
}

function accessLog(rng: Random): string {
  const lines: string[] = [];
  for (let i = 0; i < rng.int(3, 12); i++) {
    const path = rng.pick([
      "/",
      "/products/42",
      "/search?q=red+shoes&page=2",
      "/api/cart",
      "/static/js/main.js",
      "/login?next=%2Faccount",
    ]);
    lines.push(
      `203.0.113.${rng.int(1, 254)} - - [02/May/2024:10:${String(rng.int(10, 59))}:${String(rng.int(10, 59))} +0200] "${rng.pick(["GET", "POST"])} ${path} HTTP/1.1" ${rng.pick([200, 200, 304, 404, 500])} ${rng.int(0, 90000)} "https://www.example.com/" "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"`,
    );
  }
  return `${lines.join("\n")}\n`;
}

const SOURCE_EXT: Readonly<Record<string, [string, string]>> = {
  bash: ["sh", "application/x-sh"],
  sh: ["sh", "text/x-sh"],
  python: ["py", "text/x-python"],
  javascript: ["js", "text/javascript"],
  js: ["js", "application/javascript"],
  ts: ["ts", "video/mp2t"],
  sql: ["sql", "application/sql"],
  yaml: ["yml", "application/x-yaml"],
  dockerfile: ["Dockerfile", "application/octet-stream"],
  go: ["go", "text/x-go"],
  java: ["java", "text/x-java"],
  powershell: ["ps1", "application/octet-stream"],
  css: ["css", "text/css"],
  html: ["html", "text/html"],
  json: ["json", "application/json"],
};

/** One file of a random kind. */
export function uploadFile(rng: Random): UploadFile {
  switch (rng.int(0, 15)) {
    case 0:
    case 1:
      return {
        filename: rng.pick([
          "Screenshot 2024-05-02 at 10.11.12.png",
          "image.png",
          "logo@2x.png",
          "Bildschirmfoto 2024-05-02 um 10.11.12.png",
          "スクリーンショット 2024-05-02.png",
        ]),
        contentType: "image/png",
        bytes: png(rng, rng.int(4, 24), rng.int(4, 24)),
      };
    case 2:
    case 3:
      return {
        filename: rng.pick([
          "IMG_2041.JPG",
          "IMG_2041 (1).jpg",
          "photo.jpeg",
          "DSC00123.jpg",
          "avatar.jpg",
          "Urlaub – Strand.jpg",
        ]),
        contentType: "image/jpeg",
        bytes: jpeg(rng, rng.int(300, 4000)),
      };
    case 4:
      return { filename: "spinner.gif", contentType: "image/gif", bytes: gif(rng) };
    case 5:
      return {
        filename: rng.pick([
          "Rechnung_März_2024.pdf",
          "invoice-10023.pdf",
          "CV – Hélène d'Arcy.pdf",
          "履歴書.pdf",
          "report (final) v2.pdf",
        ]),
        contentType: "application/pdf",
        bytes: pdf(rng, message(rng, 1, 1, "en")),
      };
    case 6:
      return {
        filename: rng.pick(["Q1 report.docx", "prices_2024.xlsx", "slides.pptx"]),
        contentType: rng.pick([
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ]),
        bytes: officeZip(rng),
      };
    case 7:
    case 8:
      return {
        filename: rng.pick(["customers.csv", "export (3).csv", "orders_2024-05.csv", "Kunden.csv"]),
        contentType: rng.pick(["text/csv", "application/vnd.ms-excel", "text/plain"]),
        bytes: utf8(csv(rng)),
      };
    case 9:
      return {
        filename: rng.pick(["notes.txt", "README.txt", "letter.txt", "Notizen.txt"]),
        contentType: "text/plain",
        bytes: utf8(`${message(rng, 2, 8)}\n`),
      };
    case 10:
      return rng.chance(0.5)
        ? { filename: "contact.vcf", contentType: "text/vcard", bytes: utf8(vcard(rng)) }
        : { filename: "invite.ics", contentType: "text/calendar", bytes: utf8(ics(rng)) };
    case 11:
      return {
        filename: rng.pick(["icon-cart.svg", "logo.svg"]),
        contentType: "image/svg+xml",
        bytes: utf8(svg(rng)),
      };
    case 12:
      return {
        filename: rng.pick(["access.log", "nginx-access.log.1"]),
        contentType: rng.pick(["text/plain", "application/octet-stream", "text/x-log"]),
        bytes: utf8(accessLog(rng)),
      };
    case 13:
      return {
        filename: "products.json",
        contentType: "application/json",
        bytes: utf8(
          JSON.stringify(
            {
              products: Array.from({ length: rng.int(1, 6) }, () => ({
                name: rng.pick(PRODUCTS),
                price: price(rng),
                tags: ["new"],
              })),
            },
            null,
            2,
          ),
        ),
      };
    case 14:
      return {
        filename: "CHANGELOG.md",
        contentType: rng.pick(["text/markdown", "application/octet-stream"]),
        bytes: utf8(
          `# Changelog\n\n## 2.3.0\n\n- Drop support for Node 16\n- Select the locale from \`Accept-Language\`\n- Fix \`UNION\` query duplicates (#412)\n\n${message(rng, 1, 2, "en")}\n`,
        ),
      };
    default: {
      const s = rng.pick(SNIPPETS.filter((x) => SOURCE_EXT[x.lang] !== undefined));
      const [ext, type] = SOURCE_EXT[s.lang] ?? ["txt", "text/plain"];
      const base = rng.pick(["main", "script", "query", "deploy", "example", "repro"]);
      return {
        filename: ext === "Dockerfile" ? ext : `${base}.${ext}`,
        contentType: type,
        bytes: utf8(`${s.code}\n`),
      };
    }
  }
}
