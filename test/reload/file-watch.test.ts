// The watcher reports a burst of changes once, including the way Kubernetes updates a
// ConfigMap volume: a new timestamped directory, then `..data` swapped to it by a rename.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DirectoryWatcher } from "../../src/reload/file-watch.js";

const dirs: string[] = [];
const watchers: DirectoryWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "weir-watch-"));
  dirs.push(dir);
  return dir;
}

/** A watcher on `dir` and a promise of its next callback. */
function watching(dir: string) {
  const calls: (readonly string[])[] = [];
  let notify: () => void = () => {};
  const watcher = new DirectoryWatcher({
    debounceMs: 50,
    onChange: (changed) => {
      calls.push(changed);
      notify();
    },
    onError: (_dir, error) => {
      throw error;
    },
  });
  watchers.push(watcher);
  watcher.watch([dir]);
  const next = () =>
    new Promise<void>((resolve) => {
      notify = resolve;
    });
  return { calls, next, watcher };
}

describe("DirectoryWatcher", () => {
  it("reports several writes in one burst once", async () => {
    const dir = temp();
    const w = watching(dir);
    const changed = w.next();
    writeFileSync(join(dir, "a.yaml"), "one");
    writeFileSync(join(dir, "b.yaml"), "two");
    writeFileSync(join(dir, "a.yaml"), "three");
    await changed;
    expect(w.calls).toEqual([[dir]]);
  });

  it("sees a ConfigMap update: ..data swapped to a new directory by rename", async () => {
    const dir = temp();
    mkdirSync(join(dir, "..2024_01_01"));
    writeFileSync(join(dir, "..2024_01_01", "weir.yaml"), "mode: detect\n");
    symlinkSync("..2024_01_01", join(dir, "..data"));
    symlinkSync("..data/weir.yaml", join(dir, "weir.yaml"));
    const w = watching(dir);
    const changed = w.next();
    mkdirSync(join(dir, "..2024_01_02"));
    writeFileSync(join(dir, "..2024_01_02", "weir.yaml"), "mode: enforce\n");
    symlinkSync("..2024_01_02", join(dir, "..data_tmp"));
    renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
    await changed;
    expect(w.calls).toEqual([[dir]]);
  });

  it("stops watching a directory dropped from the set", () => {
    const [a, b] = [temp(), temp()];
    const w = watching(a);
    w.watcher.watch([b]);
    expect(w.watcher.watching).toEqual([b]);
  });
});
