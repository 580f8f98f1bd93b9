/**
 * Code as developers paste it into issue trackers, pull-request comments and forums: shell
 * sessions with pipes, `&&` chains and `$(...)`, SQL with UNION, DROP and comments, Python,
 * JavaScript, PowerShell, YAML pipelines, Dockerfiles, configuration files and stack traces.
 * These are the hardest ordinary inputs for a WAF: a signature that cannot tell a pasted
 * snippet from an injected command blocks every developer-facing site. The snippets are typical
 * of what gets pasted (install steps, reproductions, logs), not crafted to pass.
 *
 * This file is long because it is data: one entry per snippet, each a few lines.
 */

export interface Snippet {
  /** The fence's info string (```bash). */
  readonly lang: string;
  readonly code: string;
}

export const SNIPPETS: readonly Snippet[] = [
  {
    lang: "bash",
    code: "git clone https://github.com/acme/widget.git\ncd widget\nnpm ci\nnpm run build",
  },
  {
    lang: "bash",
    code: "docker run --rm -it -v $(pwd):/app -w /app node:20 npm test",
  },
  {
    lang: "sh",
    code: 'docker run -d --name pg -e POSTGRES_PASSWORD=secret -p 5432:5432 -v "$(pwd)/data:/var/lib/postgresql/data" postgres:16',
  },
  {
    lang: "bash",
    code: "$ node --version\nv20.12.2\n$ npm --version\n10.5.0\n$ uname -a\nLinux devbox 6.5.0-28-generic #29-Ubuntu SMP x86_64 GNU/Linux",
  },
  {
    lang: "console",
    code: "$ ls -la dist/\ntotal 1240\ndrwxr-xr-x  4 me staff     128 May  2 10:11 .\ndrwxr-xr-x 18 me staff     576 May  2 10:11 ..\n-rw-r--r--  1 me staff 1264301 May  2 10:11 bundle.js",
  },
  {
    lang: "bash",
    code: "rm -rf node_modules package-lock.json && npm install",
  },
  {
    lang: "bash",
    code: 'export PATH="$HOME/.local/bin:$PATH"\necho $PATH\nwhich python3',
  },
  {
    lang: "bash",
    code: 'sudo systemctl restart nginx\nsudo journalctl -u nginx --since "10 min ago" | tail -n 50',
  },
  {
    lang: "bash",
    code: "kill -9 $(lsof -t -i:3000)",
  },
  {
    lang: "bash",
    code: "find . -name '*.pyc' -delete\nfind . -type d -name __pycache__ -exec rm -r {} +",
  },
  {
    lang: "bash",
    code: 'grep -rn "TODO" src/ | wc -l\ngit log --oneline -n 20 --author="$(git config user.email)"',
  },
  {
    lang: "bash",
    code: "python3 -m venv .venv\nsource .venv/bin/activate\npip install -r requirements.txt\npython manage.py migrate",
  },
  {
    lang: "bash",
    code: "cat ~/.npmrc\ncat package.json | jq '.dependencies'",
  },
  {
    lang: "bash",
    code: "tail -f /var/log/nginx/error.log",
  },
  {
    lang: "bash",
    code: 'curl -X POST https://api.example.com/v1/orders \\\n  -H \'Content-Type: application/json\' \\\n  -H "Authorization: Bearer $TOKEN" \\\n  -d \'{"sku": "A-100", "qty": 2}\'',
  },
  {
    lang: "bash",
    code: "curl -sS -o /dev/null -w '%{http_code}\\n' https://staging.example.com/health",
  },
  {
    lang: "bash",
    code: "chmod +x ./scripts/release.sh\n./scripts/release.sh --dry-run",
  },
  {
    lang: "bash",
    code: 'for f in *.png; do convert "$f" -resize 50% "small/$f"; done',
  },
  {
    lang: "bash",
    code: 'ssh -i ~/.ssh/deploy_key deploy@203.0.113.10 "cd /srv/app && git pull && pm2 restart all"',
  },
  {
    lang: "bash",
    code: "tar -czvf backup-$(date +%F).tar.gz ./uploads\nscp backup-*.tar.gz backup@example.com:/backups/",
  },
  {
    lang: "bash",
    code: 'echo "DATABASE_URL=postgres://app:app@localhost:5432/app" >> .env\nnpx prisma migrate dev --name init',
  },
  {
    lang: "bash",
    code: "ps aux | grep node\nnetstat -tulpn | grep 8080",
  },
  {
    lang: "bash",
    code: "sed -i 's/localhost/0.0.0.0/g' config/server.yml",
  },
  {
    lang: "bash",
    code: "kubectl get pods -n prod -o wide\nkubectl logs -f deploy/api -n prod --tail=100\nkubectl exec -it api-7d9c6b5f4-x2k8p -n prod -- sh",
  },
  {
    lang: "bash",
    code: "openssl s_client -connect example.com:443 -servername example.com </dev/null | openssl x509 -noout -dates",
  },
  {
    lang: "bash",
    code: "awk -F, '{ sum += $3 } END { print sum }' sales.csv",
  },
  {
    lang: "bash",
    code: "git rebase -i HEAD~3\ngit push --force-with-lease origin feature/login",
  },
  {
    lang: "bash",
    code: "brew install postgresql@16\nbrew services start postgresql@16\npsql -U postgres -c 'SELECT version();'",
  },
  {
    lang: "sql",
    code: "SELECT u.id, u.email, COUNT(o.id) AS orders\nFROM users u\nLEFT JOIN orders o ON o.user_id = u.id\nWHERE u.created_at >= '2024-01-01'\nGROUP BY u.id, u.email\nHAVING COUNT(o.id) = 0\nORDER BY u.id;",
  },
  {
    lang: "sql",
    code: "SELECT name FROM customers WHERE country = 'DE'\nUNION\nSELECT name FROM suppliers WHERE country = 'DE';",
  },
  {
    lang: "sql",
    code: "DROP TABLE IF EXISTS tmp_sessions;\nCREATE TABLE tmp_sessions (id uuid PRIMARY KEY, data jsonb NOT NULL);",
  },
  {
    lang: "sql",
    code: "INSERT INTO authors (first_name, last_name) VALUES ('Flannery', 'O''Connor');",
  },
  {
    lang: "sql",
    code: "UPDATE accounts SET balance = balance - 100 WHERE id = 42;\nUPDATE accounts SET balance = balance + 100 WHERE id = 43;\nCOMMIT;",
  },
  {
    lang: "sql",
    code: "-- this takes 40s on prod\nEXPLAIN ANALYZE SELECT * FROM events WHERE payload->>'type' = 'click' AND created_at > now() - interval '1 day';",
  },
  {
    lang: "sql",
    code: "WITH recent AS (\n  SELECT * FROM orders WHERE created_at > now() - interval '7 days'\n)\nSELECT status, count(*) FROM recent GROUP BY status;",
  },
  {
    lang: "sql",
    code: "CREATE INDEX CONCURRENTLY idx_orders_user ON orders (user_id);\nDELETE FROM sessions WHERE expires_at < now();",
  },
  {
    lang: "sql",
    code: "SELECT id, title FROM posts WHERE title LIKE '%union%' OR body LIKE '%select%' LIMIT 20;",
  },
  {
    lang: "sql",
    code: "ALTER TABLE users ADD COLUMN last_login timestamptz;\nSELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'users';",
  },
  {
    lang: "python",
    code: 'import requests\n\nresp = requests.get("https://api.example.com/items", params={"page": 2, "q": "red shoes"})\nresp.raise_for_status()\nprint(resp.json()["items"][0])',
  },
  {
    lang: "python",
    code: "import pandas as pd\n\ndf = pd.read_csv('sales.csv')\nprint(df.groupby('region')['amount'].sum().sort_values(ascending=False))",
  },
  {
    lang: "python",
    code: "from django.db import models\n\nclass Order(models.Model):\n    user = models.ForeignKey('auth.User', on_delete=models.CASCADE)\n    total = models.DecimalField(max_digits=10, decimal_places=2)\n\n    def __str__(self):\n        return f\"Order {self.pk} ({self.total})\"",
  },
  {
    lang: "python",
    code: "with open('data.json', encoding='utf-8') as f:\n    data = json.load(f)\nfor item in data['items']:\n    if item.get('price', 0) > 100 and not item['sold']:\n        print(item['name'])",
  },
  {
    lang: "python",
    code: 'cursor.execute("SELECT * FROM users WHERE email = %s", (email,))\nrow = cursor.fetchone()',
  },
  {
    lang: "python",
    code: "@app.route('/api/users/<int:user_id>', methods=['GET'])\ndef get_user(user_id):\n    user = User.query.get_or_404(user_id)\n    return jsonify(user.to_dict())",
  },
  {
    lang: "python",
    code: "async def fetch_all(urls):\n    async with aiohttp.ClientSession() as session:\n        return await asyncio.gather(*(session.get(u) for u in urls))",
  },
  {
    lang: "python",
    code: 'result = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True)\nprint(result.stdout.strip())',
  },
  {
    lang: "javascript",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pasted code (JavaScript templates, Log4j and Spring placeholders), not a template here
    code: "const res = await fetch('/api/cart', {\n  method: 'POST',\n  headers: { 'Content-Type': 'application/json' },\n  body: JSON.stringify({ sku, qty: 1 }),\n});\nif (!res.ok) throw new Error(`HTTP ${res.status}`);",
  },
  {
    lang: "js",
    code: "document.querySelector('#submit').addEventListener('click', (e) => {\n  e.preventDefault();\n  form.reset();\n});",
  },
  {
    lang: "jsx",
    code: "export function Price({ amount, currency = 'EUR' }) {\n  return <span className=\"price\">{new Intl.NumberFormat('de-DE', { style: 'currency', currency }).format(amount)}</span>;\n}",
  },
  {
    lang: "ts",
    code: "interface User {\n  id: number;\n  name: string;\n  roles?: ('admin' | 'editor')[];\n}\n\nconst isAdmin = (u: User): boolean => u.roles?.includes('admin') ?? false;",
  },
  {
    lang: "javascript",
    code: "app.get('/health', (req, res) => res.json({ status: 'ok', uptime: process.uptime() }));\napp.listen(process.env.PORT || 3000);",
  },
  {
    lang: "js",
    code: "const items = data.filter((x) => x.price > 10 && x.stock > 0).map(({ id, name }) => ({ id, name }));\nconsole.log(items.length);",
  },
  {
    lang: "vue",
    code: '<template>\n  <button :disabled="loading" @click="save">{{ loading ? "Saving…" : "Save" }}</button>\n</template>',
  },
  {
    lang: "html",
    code: '<form action="/subscribe" method="post">\n  <label for="email">E-mail</label>\n  <input id="email" name="email" type="email" required>\n  <button type="submit">Subscribe</button>\n</form>',
  },
  {
    lang: "html",
    code: '<table class="table">\n  <thead><tr><th>ID</th><th>Name</th></tr></thead>\n  <tbody><tr><td>1</td><td>Widget</td></tr></tbody>\n</table>',
  },
  {
    lang: "css",
    code: ".card {\n  display: grid;\n  grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));\n  gap: 1rem;\n}\n@media (max-width: 600px) { .card { gap: .5rem; } }",
  },
  {
    lang: "powershell",
    code: "Get-ChildItem -Path C:\\Users\\me\\Downloads -Recurse -Filter *.log |\n  Where-Object { $_.Length -gt 10MB } |\n  Remove-Item -WhatIf",
  },
  {
    lang: "powershell",
    code: 'Set-ExecutionPolicy -Scope CurrentUser RemoteSigned\n$env:NODE_ENV = "production"\nnpm run build',
  },
  {
    lang: "powershell",
    code: "Get-Service | Where-Object Status -eq 'Running' | Select-Object -First 10 Name, DisplayName",
  },
  {
    lang: "yaml",
    code: "name: CI\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n      - run: npm ci\n      - run: npm test -- --coverage",
  },
  {
    lang: "yaml",
    code: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n          ports:\n            - containerPort: 8080\n          readinessProbe:\n            httpGet: { path: /healthz, port: 8080 }",
  },
  {
    lang: "yaml",
    code: 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n  web:\n    build: .\n    command: npm start\n    ports:\n      - "3000:3000"\n    depends_on: [db]',
  },
  {
    lang: "dockerfile",
    code: 'FROM node:20-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]',
  },
  {
    lang: "dockerfile",
    code: "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt",
  },
  {
    lang: "nginx",
    code: "server {\n    listen 80;\n    server_name example.com;\n    location /api/ {\n        proxy_pass http://127.0.0.1:3000;\n        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n    }\n}",
  },
  {
    lang: "ini",
    code: "[database]\nhost = localhost\nport = 5432\nname = shop\n\n[cache]\nbackend = redis\nurl = redis://localhost:6379/0",
  },
  {
    lang: "json",
    code: '{\n  "compilerOptions": {\n    "target": "ES2022",\n    "strict": true,\n    "paths": { "@/*": ["./src/*"] }\n  }\n}',
  },
  {
    lang: "go",
    code: 'func handler(w http.ResponseWriter, r *http.Request) {\n\tid := r.URL.Query().Get("id")\n\tif id == "" {\n\t\thttp.Error(w, "missing id", http.StatusBadRequest)\n\t\treturn\n\t}\n\tfmt.Fprintf(w, "hello %s", id)\n}',
  },
  {
    lang: "rust",
    code: 'fn main() -> Result<(), Box<dyn std::error::Error>> {\n    let body = reqwest::blocking::get("https://example.com")?.text()?;\n    println!("{}", &body[..100]);\n    Ok(())\n}',
  },
  {
    lang: "java",
    code: '@GetMapping("/orders/{id}")\npublic ResponseEntity<Order> get(@PathVariable Long id) {\n    return repo.findById(id).map(ResponseEntity::ok).orElse(ResponseEntity.notFound().build());\n}',
  },
  {
    lang: "csharp",
    code: "var orders = await db.Orders\n    .Where(o => o.CustomerId == id && o.Total > 100)\n    .OrderByDescending(o => o.CreatedAt)\n    .ToListAsync();",
  },
  {
    lang: "ruby",
    code: "class User < ApplicationRecord\n  has_many :orders, dependent: :destroy\n  validates :email, presence: true, uniqueness: { case_sensitive: false }\nend",
  },
  {
    lang: "text",
    code: 'Traceback (most recent call last):\n  File "/app/manage.py", line 22, in <module>\n    main()\n  File "/usr/local/lib/python3.12/site-packages/django/db/backends/utils.py", line 105, in _execute\n    return self.cursor.execute(sql, params)\ndjango.db.utils.ProgrammingError: relation "orders_order" does not exist\nLINE 1: SELECT "orders_order"."id" FROM "orders_order" WHERE ...',
  },
  {
    lang: "text",
    code: 'Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null\n\tat com.example.shop.UserService.validate(UserService.java:42)\n\tat com.example.shop.UserController.create(UserController.java:27)\n\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)\nCaused by: java.lang.IllegalStateException: not initialised',
  },
  {
    lang: "text",
    code: "TypeError: Cannot read properties of undefined (reading 'map')\n    at ProductList (webpack-internal:///./src/components/ProductList.jsx:14:23)\n    at renderWithHooks (node_modules/react-dom/cjs/react-dom.development.js:16305:18)\n    at Object.<anonymous> (/app/server.js:12:5)",
  },
  {
    lang: "text",
    code: "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/home/dev/app/main.go:14 +0x1d\nexit status 2",
  },
  {
    lang: "text",
    code: 'npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\nnpm ERR! Found: react@18.2.0\nnpm ERR! Could not resolve dependency:\nnpm ERR! peer react@"^17.0.0" from some-lib@2.1.0',
  },
  {
    lang: "text",
    code: '2024-05-02T10:11:12.345Z ERROR [api] request failed method=POST path=/v1/orders status=500 duration_ms=1234 err="pq: duplicate key value violates unique constraint \\"orders_pkey\\""',
  },
  {
    lang: "text",
    code: "System.InvalidOperationException: Sequence contains no elements\n   at System.Linq.ThrowHelper.ThrowNoElementsException()\n   at Shop.Api.Controllers.CartController.Get(Int32 id) in C:\\src\\Shop.Api\\Controllers\\CartController.cs:line 31",
  },
  {
    lang: "diff",
    code: "--- a/src/config.js\n+++ b/src/config.js\n@@ -1,4 +1,4 @@\n-const timeout = 1000;\n+const timeout = 5000;\n module.exports = { timeout };",
  },
  {
    lang: "makefile",
    code: "build:\n\tgo build -o bin/app ./cmd/app\n\ntest:\n\tgo test ./... -race -count=1\n\nclean:\n\trm -rf bin/",
  },
  {
    lang: "hcl",
    code: 'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets-prod"\n  tags = {\n    Environment = "prod"\n  }\n}',
  },
  {
    lang: "regex",
    code: "^(?<user>[\\w.+-]+)@(?<domain>[\\w-]+\\.[\\w.-]+)$",
  },
  {
    lang: "",
    code: 'Steps:\n1. Go to /settings/profile\n2. Enter a name with an apostrophe, e.g. O\'Brien\n3. Click Save\n\nExpected: saved\nActual: "Something went wrong"',
  },
  {
    lang: "php",
    code: "$users = DB::table('users')\n    ->where('votes', '>', 100)\n    ->orWhere('name', 'John')\n    ->get();",
  },
  {
    lang: "kotlin",
    code: 'val adapter = ProductAdapter(items) { item ->\n    findNavController().navigate(R.id.action_list_to_detail, bundleOf("id" to item.id))\n}',
  },
  {
    lang: "swift",
    code: 'let task = URLSession.shared.dataTask(with: url) { data, response, error in\n    guard let data = data, error == nil else { return }\n    print(String(data: data, encoding: .utf8) ?? "")\n}\ntask.resume()',
  },
  {
    lang: "bash",
    code: "sudo apt update && sudo apt install -y nginx certbot python3-certbot-nginx\nsudo systemctl enable --now nginx\nsudo certbot --nginx -d example.com -d www.example.com",
  },
  {
    lang: "bash",
    code: "echo 'export PATH=$PATH:/usr/local/go/bin' >> ~/.bashrc && source ~/.bashrc\ngo version",
  },
  {
    lang: "bash",
    code: "docker exec -it db psql -U postgres -c \"SELECT pid, state, query FROM pg_stat_activity WHERE state <> 'idle';\"",
  },
  {
    lang: "bash",
    code: 'mysql -u root -p -e "SHOW DATABASES; SELECT user, host FROM mysql.user;"',
  },
  {
    lang: "text",
    code: "# m h dom mon dow command\n0 3 * * * /usr/local/bin/backup.sh >> /var/log/backup.log 2>&1\n*/5 * * * * curl -fsS -m 10 --retry 5 -o /dev/null https://hc-ping.example.com/abc123",
  },
  {
    lang: "bash",
    code: "git log --pretty=format:'%h %an %s' --since='2 weeks ago' | head -20\ngit diff --stat main...feature/login",
  },
  {
    lang: "sql",
    code: "INSERT INTO daily_totals (day, total)\nSELECT date_trunc('day', created_at), sum(total) FROM orders GROUP BY 1\nON CONFLICT (day) DO UPDATE SET total = EXCLUDED.total;",
  },
  {
    lang: "sql",
    code: "EXEC sp_who2;\nSELECT TOP 10 * FROM sys.dm_exec_requests ORDER BY total_elapsed_time DESC;",
  },
  {
    lang: "javascript",
    code: "if (!session.user) {\n  window.location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);\n}",
  },
  {
    lang: "bat",
    code: "@echo off\nset NODE_ENV=production\ncall npm ci\nif %errorlevel% neq 0 exit /b %errorlevel%\ndir /s /b dist\\*.js",
  },
  {
    lang: "yaml",
    code: '- name: Build on Windows\n  runs-on: windows-latest\n  steps:\n    - run: cmd /c "scripts\\build.bat"\n    - run: Get-ChildItem dist | Measure-Object\n      shell: pwsh',
  },
  {
    lang: "yaml",
    code: "image:\n  repository: registry.example.com/api\n  tag: {{ .Values.image.tag | default .Chart.AppVersion }}\nresources:\n  limits: { cpu: 500m, memory: 512Mi }",
  },
  {
    lang: "xml",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pasted code (JavaScript templates, Log4j and Spring placeholders), not a template here
    code: '<Configuration status="WARN">\n  <Appenders>\n    <RollingFile name="File" fileName="${sys:catalina.base}/logs/app.log" filePattern="logs/app-%d{yyyy-MM-dd}.log.gz">\n      <PatternLayout pattern="%d %-5p [%t] %c{1} - %m%n"/>\n    </RollingFile>\n  </Appenders>\n</Configuration>',
  },
  {
    lang: "python",
    code: "import os\n\nDATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'HOST': os.environ.get('DB_HOST', 'localhost'),\n        'PORT': int(os.environ.get('DB_PORT', 5432)),\n    }\n}",
  },
  {
    lang: "properties",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: pasted code (JavaScript templates, Log4j and Spring placeholders), not a template here
    code: "spring.datasource.url=jdbc:postgresql://localhost:5432/shop\nspring.datasource.username=${DB_USER:shop}\nspring.jpa.hibernate.ddl-auto=validate\nlogging.level.org.hibernate.SQL=DEBUG",
  },
];

/** Prose that goes around snippets in issues and comments. */
export const ISSUE_PROSE: readonly string[] = [
  "Steps to reproduce:",
  "I'm getting this error when I run the build on a fresh clone:",
  "Here's a minimal reproduction; it fails on Node 20 but works on 18.",
  "Expected behaviour: the request succeeds. Actual behaviour: a 500 and the log below.",
  "This started after upgrading to v2.3.0 (was fine on 2.2.4).",
  "Workaround for anyone hitting this in the meantime:",
  "Possibly related to #1234 and #1301.",
  "The query below returns duplicate rows when a user has more than one order -- is the UNION supposed to dedupe?",
  "Environment: macOS 14.4, Docker Desktop 4.29, Chrome 124.",
  "I tried `rm -rf node_modules` and reinstalling, same result.",
  "Running it with `DEBUG=*` shows the following:",
  'Can someone confirm whether this is expected? The docs say "select one or more", but only one is kept.',
  "LGTM, but could we drop the extra `console.log` before merging?",
  "Thanks for the quick fix! Verified on staging; closing.",
  "Not sure if this is a bug or I'm holding it wrong -- see the config below.",
  "Note the `$(pwd)` mount: on Windows you need `%cd%` instead.",
  "Please add a `--dry-run` flag; deleting 10k rows by accident is not fun.",
  "I'd suggest `SELECT ... FOR UPDATE SKIP LOCKED` here instead of the advisory lock.",
  "Here's the full stack trace:",
  "/cc @maintainers -- this blocks our release; any ETA?",
  "Reproduced on Ubuntu 22.04 & Debian 12; not on Alpine.",
  "Our CI config, in case it helps:",
  "Output of `ls -la` and `id` inside the container (it runs as uid 1000):",
  "Edit: the same happens with `npm ci && npm run build`.",
  "I think the problem is in how we `drop` the old index before the new one is ready.",
  "A quick benchmark (1M rows): before 4.2 s, after 0.8 s.",
  "Feature request: support `where` clauses with `or` in the filter DSL, e.g. `status = 'open' or assignee = 'me'`.",
  "The docs example uses `eval` -- is that intentional? It breaks under CSP.",
];
