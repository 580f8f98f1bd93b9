/**
 * !!! DELIBERATELY VULNERABLE APPLICATION: TEST-ONLY, NEVER DEPLOY, NEVER EXPOSE !!!
 *
 * The target of the end-to-end tests: real attack tools (sqlmap) and real XSS payloads are
 * fired at it through `weir proxy`, so it must be injectable for those tests to mean anything.
 * It builds SQL by string concatenation and reflects input into HTML unescaped, on purpose.
 * It binds to 127.0.0.1 only (no parameter can change that) and keeps its data in an
 * in-memory SQLite database that vanishes with the process. Every request it receives is
 * recorded, so a test can prove that a blocked payload never reached it.
 *
 *   GET  /products?id=N   SQL injection (numeric): `... WHERE id = ` + id; SQLite errors as 500
 *   POST /login           SQL injection (string): form fields user and pass in quotes
 *   GET  /search?q=...    reflected XSS: q written as is into an attribute and into text,
 *                         next=... written as is into a link's href
 *   POST /comment         reflected XSS: form field or JSON property `comment` written as is
 *
 * Run it alone (to point sqlmap at it by hand): node --import tsx test/e2e/vulnerable-app.ts
 */

import { createServer, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

/** The few better-sqlite3 calls used here (the package ships no type declarations). */
interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): { all(): Record<string, unknown>[] };
  close(): void;
}
type SqliteConstructor = new (filename: string) => SqliteDatabase;
const Database = createRequire(import.meta.url)("better-sqlite3") as SqliteConstructor;

/**
 * What the app saw of one request, for "it never reached the app" assertions. Recorded when
 * its headers arrive, so a request whose body was cut off by the proxy is still listed.
 */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query as received (still percent-encoded). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body bytes that arrived (all of them once `complete`), as UTF-8. */
  body: string;
  /** The whole body arrived and the app answered. */
  complete: boolean;
}

export interface VulnerableApp {
  readonly port: number;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

const LOOPBACK = "127.0.0.1";
const MAX_BODY_BYTES = 1024 * 1024;

const SCHEMA = `
  CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL);
  INSERT INTO products VALUES (1, 'teapot', 18.5), (2, 'kettle', 32.0), (3, 'mug', 6.25),
    (4, 'strainer', 4.75);
  CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, password TEXT NOT NULL);
  INSERT INTO users VALUES (1, 'admin', 's3cret-admin'), (2, 'alice', 'wonderland');
`;

export async function startVulnerableApp(): Promise<VulnerableApp> {
  const db = new Database(":memory:");
  db.exec(SCHEMA);
  const received: ReceivedRequest[] = [];

  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const seen: ReceivedRequest = {
      method: req.method ?? "",
      url,
      headers: req.headers,
      body: "",
      complete: false,
    };
    received.push(seen);
    readBody(req, seen)
      .then((body) => {
        seen.complete = true;
        const { status, type, text } = route(db, seen.method, url, req.headers, body);
        res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
        res.end(text);
      })
      .catch((error: unknown) => {
        res.writeHead(400, { "content-type": "text/plain" });
        res.end(`bad request: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          db.close();
          resolve();
        });
      }),
  };
}

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly text: string;
}

function route(
  db: SqliteDatabase,
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  body: string,
): Reply {
  const url = new URL(rawUrl, `http://${LOOPBACK}`);
  const key = `${method} ${url.pathname}`;
  if (key === "GET /products") {
    const id = url.searchParams.get("id") ?? "1";
    // VULNERABLE: numeric concatenation.
    return query(db, `SELECT name, price FROM products WHERE id = ${id}`, (rows) =>
      page("Products", rows.map((r) => `<li>${String(r.name)}: ${String(r.price)}</li>`).join("")),
    );
  }
  if (key === "POST /login") {
    const form = new URLSearchParams(body);
    const user = form.get("user") ?? "";
    const pass = form.get("pass") ?? "";
    // VULNERABLE: string concatenation inside quotes.
    const sql = `SELECT id, name FROM users WHERE name = '${user}' AND password = '${pass}'`;
    return query(db, sql, (rows) => {
      const who = rows[0];
      if (who === undefined) return page("Login", "invalid credentials");
      return page("Welcome", `signed in as ${String(who.name)}`);
    });
  }
  if (key === "GET /search") {
    // VULNERABLE: q reflected unescaped into an attribute and into text, next into an href.
    const q = url.searchParams.get("q") ?? "";
    const next = url.searchParams.get("next") ?? "/";
    const form = `<form><input name="q" value="${q}"></form>`;
    return html(page("Search", `${form}<p>Results for ${q}</p><a href="${next}">back</a>`));
  }
  if (key === "POST /comment") {
    const comment = commentOf(headers["content-type"] ?? "", body);
    // VULNERABLE: reflected unescaped.
    return html(page("Comment", `<div class="comment">${comment}</div>`));
  }
  return { status: 404, type: "text/plain", text: "not found" };
}

function query(
  db: SqliteDatabase,
  sql: string,
  render: (rows: Record<string, unknown>[]) => string,
): Reply {
  try {
    return html(render(db.prepare(sql).all()));
  } catch (error: unknown) {
    // The driver's message as is, like a careless framework's error page: `[SQLITE_ERROR] ...`.
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    return { status: 500, type: "text/html", text: page("Error", `[${String(code)}] ${message}`) };
  }
}

function commentOf(contentType: string, body: string): string {
  if (contentType.startsWith("application/json")) {
    try {
      const parsed = JSON.parse(body) as { comment?: unknown };
      return String(parsed.comment ?? "");
    } catch {
      return "";
    }
  }
  return new URLSearchParams(body).get("comment") ?? "";
}

function page(title: string, content: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${content}</body></html>\n`;
}

function html(text: string): Reply {
  return { status: 200, type: "text/html; charset=utf-8", text };
}

/** Reads the body, keeping what has arrived so far in `seen.body`. */
function readBody(req: IncomingMessage, seen: ReceivedRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
      seen.body = Buffer.concat(chunks).toString("utf8");
    });
    req.on("end", () => resolve(seen.body));
    req.on("error", reject);
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = await startVulnerableApp();
  process.stdout.write(`vulnerable app (TEST ONLY) on http://${LOOPBACK}:${app.port}\n`);
}
