// Makes the `weir` executable runnable after `tsc` (tsc writes files without the execute
// bit), so `npx weir` and an installed `weir` work. Run by `npm run build`. Fails if the
// file is missing or lost its `#!/usr/bin/env node` line, which npm's bin link needs on
// POSIX systems.
import { chmodSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
let failed = false;
for (const [name, path] of Object.entries(pkg.bin ?? {})) {
  const file = fileURLToPath(new URL(`../${path}`, import.meta.url));
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    console.error(
      `chmod-bin: bin "${name}" points at ${path}, which cannot be read (${error.code}); did tsc run?`,
    );
    failed = true;
    continue;
  }
  if (!text.startsWith("#!/usr/bin/env node\n")) {
    console.error(`chmod-bin: ${path} (bin "${name}") must start with "#!/usr/bin/env node"`);
    failed = true;
    continue;
  }
  chmodSync(file, 0o755);
}
if (failed) process.exitCode = 1;
