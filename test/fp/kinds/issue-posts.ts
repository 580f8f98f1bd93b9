/**
 * Issue-tracker and forum posts with code: Markdown bodies that mix prose with fenced and
 * inline code, posted as GitHub and GitLab REST JSON, Jira's Atlassian Document Format (code
 * as a text node inside a codeBlock), Redmine and phpBB forms, Discourse JSON and a GraphQL
 * mutation. What the application stores is the Markdown; the WAF sees the snippet in a field.
 */
import type { FpRequest } from "../corpus-format.js";
import { apiHeaders, browserHeaders } from "../fragments/clients.js";
import { ISSUE_PROSE, SNIPPETS, type Snippet } from "../fragments/code-snippets.js";
import { message } from "../fragments/people.js";
import { queryString } from "../fragments/search.js";
import { ALNUM, type Random } from "../random.js";

type Draft = Omit<FpRequest, "id">;

const TITLES = [
  "Build fails on Node 20 with ERESOLVE",
  "UNION query returns duplicate rows",
  "Docker: volume mount with $(pwd) fails on Windows",
  "Crash when the name contains an apostrophe",
  "Docs: 'select one or more' only keeps one",
  "Feature request: --dry-run for the cleanup task",
  "500 on POST /api/orders when note has an ampersand",
  "Migration drops the wrong index",
  "Memory leak in the websocket handler",
  "Support PowerShell 7 in the install script",
  "CI: kubectl exec times out",
  "Stack trace on startup after upgrading to 2.3.0",
];

/** File extensions for gist file names, by fence language. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  bash: "sh",
  sh: "sh",
  console: "txt",
  sql: "sql",
  python: "py",
  javascript: "js",
  js: "js",
  jsx: "jsx",
  ts: "ts",
  vue: "vue",
  html: "html",
  css: "css",
  powershell: "ps1",
  yaml: "yml",
  dockerfile: "dockerfile",
  nginx: "conf",
  ini: "ini",
  json: "json",
  go: "go",
  rust: "rs",
  java: "java",
  csharp: "cs",
  ruby: "rb",
  text: "log",
  diff: "diff",
  makefile: "mk",
  hcl: "tf",
  php: "php",
  kotlin: "kt",
  swift: "swift",
  bat: "bat",
  xml: "xml",
  properties: "properties",
};

function fence(s: Snippet): string {
  return `\`\`\`${s.lang}\n${s.code}\n\`\`\``;
}

/** Markdown: prose, one to three snippets, prose; sometimes a task list or a details block. */
export function markdownBody(rng: Random): string {
  const parts: string[] = [rng.pick(ISSUE_PROSE)];
  if (rng.chance(0.4)) parts.push(message(rng, 1, 2, "en"));
  for (const s of rng.sample(SNIPPETS, rng.int(1, 3))) {
    parts.push(fence(s));
    if (rng.chance(0.5)) parts.push(rng.pick(ISSUE_PROSE));
  }
  if (rng.chance(0.2)) parts.push("- [x] I searched existing issues\n- [ ] I can send a PR");
  if (rng.chance(0.15))
    parts.push(
      `<details><summary>Full log</summary>\n\n${fence(rng.pick(SNIPPETS))}\n\n</details>`,
    );
  if (rng.chance(0.2))
    parts.push(`| Version | Works? |\n|---|---|\n| 2.2.4 | yes |\n| 2.3.0 | no |`);
  return parts.join("\n\n");
}

/** Jira's Atlassian Document Format for a paragraph and a code block. */
function adf(rng: Random): unknown {
  const s = rng.pick(SNIPPETS);
  return {
    type: "doc",
    version: 1,
    content: [
      { type: "paragraph", content: [{ type: "text", text: rng.pick(ISSUE_PROSE) }] },
      {
        type: "codeBlock",
        attrs: { language: s.lang || "none" },
        content: [{ type: "text", text: s.code }],
      },
      {
        type: "paragraph",
        content: [
          { type: "text", text: "Thanks, " },
          { type: "mention", attrs: { id: rng.hex(24), text: "@Jane O'Brien" } },
        ],
      },
    ],
  };
}

function json(
  rng: Random,
  method: string,
  path: string,
  note: string,
  host: string,
  value: unknown,
  api: boolean,
): Draft {
  return {
    note,
    method,
    path,
    headers: api
      ? apiHeaders(rng, host)
      : browserHeaders(rng, host, { fetch: true, referer: `https://${host}/`, origin: true }),
    content_type: "application/json",
    body: JSON.stringify(value),
  };
}

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

export function issuePost(rng: Random): Draft {
  const title = rng.pick(TITLES);
  switch (rng.int(0, 10)) {
    case 0:
    case 1:
      return json(
        rng,
        "POST",
        "/repos/acme/widget/issues",
        "GitHub issue (REST)",
        "api.github.example.com",
        {
          title,
          body: markdownBody(rng),
          labels: rng.sample(["bug", "docs", "enhancement", "needs triage"], rng.int(0, 2)),
        },
        true,
      );
    case 2:
      return json(
        rng,
        "POST",
        `/repos/acme/widget/issues/${rng.int(1, 5000)}/comments`,
        "GitHub issue comment (REST)",
        "api.github.example.com",
        { body: markdownBody(rng) },
        true,
      );
    case 3:
      return json(
        rng,
        "POST",
        `/api/v4/projects/${rng.int(1, 999)}/issues/${rng.int(1, 999)}/notes`,
        "GitLab note",
        "gitlab.example.com",
        { body: markdownBody(rng), internal: rng.chance(0.2) },
        rng.chance(0.5),
      );
    case 4:
      return json(
        rng,
        "POST",
        "/rest/api/3/issue",
        "Jira issue with an ADF code block",
        "acme.atlassian.example.net",
        {
          fields: {
            project: { key: "WEB" },
            summary: title,
            issuetype: { name: "Bug" },
            description: adf(rng),
            labels: ["frontend"],
          },
        },
        true,
      );
    case 5:
      return form(rng, `/projects/web/issues`, "Redmine issue form", "redmine.example.org", [
        ["utf8", "✓"],
        ["authenticity_token", rng.chars(`${ALNUM}+/=`, 88)],
        ["issue[tracker_id]", "1"],
        ["issue[subject]", title],
        ["issue[description]", markdownBody(rng)],
        ["issue[priority_id]", "2"],
        ["commit", "Create"],
      ]);
    case 6:
      return form(
        rng,
        `/forum/posting.php?mode=reply&f=${rng.int(1, 40)}&t=${rng.int(1, 9999)}`,
        "phpBB reply with BBCode and code",
        "forum.example.net",
        [
          ["subject", `Re: ${title}`],
          [
            "message",
            `${rng.pick(ISSUE_PROSE)}\n\n[code]${rng.pick(SNIPPETS).code}[/code]\n\n[quote="jane_o"]${message(rng, 1, 1, "en")}[/quote]`,
          ],
          ["post", "Submit"],
          ["creation_time", "1714000000"],
          ["form_token", rng.hex(40)],
        ],
      );
    case 7:
      return json(
        rng,
        "POST",
        "/posts.json",
        "Discourse post",
        "discuss.example.com",
        {
          raw: markdownBody(rng),
          topic_id: rng.int(1, 99999),
          reply_to_post_number: rng.pick([null, rng.int(1, 40)]),
        },
        false,
      );
    case 9: {
      const s = rng.pick(SNIPPETS);
      return json(
        rng,
        "POST",
        "/gists",
        "gist with one file (the snippet is the whole value)",
        "api.github.example.com",
        {
          description: title,
          public: rng.chance(0.5),
          files: { [`repro.${EXTENSIONS[s.lang] ?? "txt"}`]: { content: `${s.code}\n` } },
        },
        true,
      );
    }
    case 10: {
      const s = rng.pick(SNIPPETS);
      return form(
        rng,
        "/api/api_post.php",
        "pastebin paste (the snippet is the whole value)",
        "paste.example.com",
        [
          ["api_dev_key", rng.chars(ALNUM, 32)],
          ["api_option", "paste"],
          ["api_paste_code", s.code],
          ["api_paste_name", title],
          ["api_paste_format", s.lang || "text"],
          ["api_paste_private", "1"],
          ["api_paste_expire_date", "1M"],
        ],
      );
    }
    default:
      return json(
        rng,
        "POST",
        "/graphql",
        "GraphQL addComment with Markdown",
        "api.github.example.com",
        {
          query:
            "mutation($id: ID!, $body: String!) { addComment(input: {subjectId: $id, body: $body}) { clientMutationId } }",
          variables: { id: `I_kwDO${rng.chars(ALNUM, 14)}`, body: markdownBody(rng) },
        },
        true,
      );
  }
}
