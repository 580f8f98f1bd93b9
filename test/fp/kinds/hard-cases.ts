/**
 * Hand-written hard cases: ordinary requests that carry exactly what attack signatures look
 * for, as developers and writers really post it. Most must pass at paranoia 1 (a `$(pwd)` mount
 * in prose, SQL with UNION and comments in a JSON field, an install command chained with &&).
 * A few carry markup or code that is executable wherever it lands (a <script> element, a PHP
 * open tag, an inline event handler, a pipe into a shell, a MongoDB operator in a parameter
 * name); those are listed in test/fixtures/fp-corpus/expected-blocks.json with the reason and
 * the CRS paranoia-1 rule that blocks the same input.
 */
import type { FpRequest } from "../corpus-format.js";
import { apiHeaders, browserHeaders } from "../fragments/clients.js";
import { queryString } from "../fragments/search.js";
import type { Random } from "../random.js";

type Draft = Omit<FpRequest, "id">;

const md = (prose: string, lang: string, code: string, after = "") =>
  `${prose}\n\n\`\`\`${lang}\n${code}\n\`\`\`${after === "" ? "" : `\n\n${after}`}`;

interface Case {
  readonly note: string;
  readonly as: "github" | "form" | "query" | "json";
  readonly value: string | Record<string, unknown>;
  readonly path?: string;
}

const CASES: readonly Case[] = [
  {
    note: "$(pwd) mount in prose",
    as: "form",
    value: "Use docker run -v $(pwd):/app to mount the project; on Windows use %cd% instead.",
  },
  {
    note: "$(pwd) inside a fenced bash block",
    as: "github",
    value: md(
      "This works on Linux:",
      "bash",
      'docker run --rm -v "$(pwd)":/src -w /src golang:1.22 go build ./...',
      "but not in PowerShell.",
    ),
  },
  {
    note: "cd && install chain in a Dockerfile RUN line",
    as: "github",
    value: md(
      "Our Dockerfile:",
      "dockerfile",
      "FROM debian:12\nRUN apt-get update && apt-get install -y curl ca-certificates && rm -rf /var/lib/apt/lists/*\nWORKDIR /app",
    ),
  },
  {
    note: "SQL with UNION ALL, comments and a DROP in an issue body",
    as: "github",
    value: md(
      "The report query is slow:",
      "sql",
      "-- monthly totals\nSELECT 'web' AS channel, sum(total) FROM web_orders WHERE created_at >= '2024-04-01'\nUNION ALL\nSELECT 'pos', sum(total) FROM pos_orders WHERE created_at >= '2024-04-01';\n/* cleanup */ DROP TABLE IF EXISTS tmp_totals;",
    ),
  },
  {
    note: "SQL WHERE with OR and quoted literals in prose",
    as: "form",
    value:
      "In the docs, the example `SELECT * FROM users WHERE name = 'admin' OR role = 'owner'` returns both rows; is that intended?",
  },
  {
    note: "Python subprocess call in a snippet",
    as: "github",
    value: md(
      "Minimal repro:",
      "python",
      'import subprocess\nout = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True)\nprint(out.stdout)',
    ),
  },
  {
    note: "Node child_process in a question",
    as: "json",
    value: {
      title: "exec vs spawn?",
      body: md(
        "Why does this hang?",
        "js",
        "const { exec } = require('child_process');\nexec('git log -1', (err, stdout) => console.log(stdout));",
      ),
    },
  },
  {
    note: "PowerShell download in an install guide",
    as: "github",
    value: md(
      "Windows install:",
      "powershell",
      "Invoke-WebRequest -Uri https://github.com/acme/cli/releases/download/v1.2.0/acme.zip -OutFile acme.zip\nExpand-Archive acme.zip -DestinationPath $env:LOCALAPPDATA\\acme",
    ),
  },
  {
    note: "Kubernetes exec into a shell in a runbook",
    as: "form",
    value:
      "Runbook step 3: kubectl exec -it deploy/api -- /bin/sh, then run `env | sort` and paste the output here.",
  },
  {
    note: "cat of a config path in a how-to",
    as: "form",
    value:
      "Check your config with:\ncat /etc/nginx/nginx.conf | grep worker_processes\nand restart with sudo systemctl reload nginx.",
  },
  {
    note: "template syntax in a Jinja question",
    as: "json",
    value: {
      title: "Jinja loop index",
      body: md(
        "How do I get the index?",
        "jinja",
        "{% for item in items %}\n  {{ loop.index }}: {{ item.name | title }}\n{% endfor %}",
      ),
    },
  },
  {
    note: "Log4j-style placeholder in a Java logging question",
    as: "github",
    value: md(
      "Is this safe?",
      "java",
      'log.info("User {} logged in from {}", user.getName(), request.getRemoteAddr());',
    ),
  },
  {
    note: "shell variable expansion with a default in a script",
    as: "github",
    value: md(
      "Our entrypoint:",
      "bash",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell default-value expansion in a pasted script
      'PORT="${PORT:-8080}"\nexec node server.js --port "$PORT"',
    ),
  },
  {
    note: "HTML with a <script> element in a code block",
    as: "github",
    value: md(
      "Chart doesn't render with this setup:",
      "html",
      '<canvas id="c"></canvas>\n<script src="https://cdn.jsdelivr.net/npm/chart.js@4.4.2/dist/chart.umd.min.js"></script>',
    ),
  },
  {
    note: "PHP open tag in a forum answer",
    as: "form",
    value:
      "Put this at the top of functions.php:\n\n<?php\nadd_filter( 'the_content', 'wpautop' );\n?>",
  },
  {
    note: "inline onclick handler in a frontend question",
    as: "github",
    value: md(
      "Why does the button reload the page?",
      "html",
      '<button type="submit" onclick="saveForm(event)">Save</button>',
    ),
  },
  {
    note: "install one-liner piping curl into a shell",
    as: "github",
    value: md("Install on Linux:", "bash", "curl -fsSL https://get.example.dev/install.sh | sh"),
  },
  {
    note: "Strapi filter with a $eq operator in the query",
    as: "query",
    value: "filters[slug][$eq]=spring-sale&populate=*",
    path: "/api/articles",
  },
];

export function hardCases(rng: Random): Draft[] {
  return CASES.map((c) => {
    const host = "dev.example.com";
    if (c.as === "query") {
      return {
        note: c.note,
        method: "GET",
        path: `${c.path ?? "/"}?${c.value as string}`,
        headers: browserHeaders(rng, host, { fetch: true }),
      };
    }
    if (c.as === "form") {
      return {
        note: c.note,
        method: "POST",
        path: "/forum/posting.php?mode=reply&f=2&t=881",
        headers: browserHeaders(rng, host, {
          fetch: false,
          referer: `https://${host}/forum/`,
          origin: true,
        }),
        content_type: "application/x-www-form-urlencoded",
        body: queryString(
          [
            ["subject", "Re: help"],
            ["message", c.value as string],
            ["post", "Submit"],
          ],
          true,
        ),
      };
    }
    const value = c.as === "github" ? { title: c.note, body: c.value } : c.value;
    return {
      note: c.note,
      method: "POST",
      path: "/repos/acme/widget/issues",
      headers: apiHeaders(rng, "api.github.example.com"),
      content_type: "application/json",
      body: JSON.stringify(value),
    };
  });
}
