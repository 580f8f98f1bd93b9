/**
 * Watches the directories a reload reads (the configuration file's, each signature directory,
 * the TLS files') and calls back once things have settled: events are debounced (~300 ms), so
 * an editor's save, `kubectl cp` or a ConfigMap update (Kubernetes writes a new timestamped
 * directory, then renames a `..data_tmp` symlink over `..data` in one step) triggers one
 * reload, not one per file.
 *
 * Directories are watched, never files: a file replaced by rename (editors, ConfigMaps) would
 * leave a file watch on the old inode. Watches do not keep the process alive. A directory that
 * cannot be watched (gone, no inotify instances left) is reported and skipped; SIGHUP still
 * reloads.
 */
import { type FSWatcher, watch } from "node:fs";

export const DEFAULT_DEBOUNCE_MS = 300;

export interface WatchOptions {
  /** Called once per burst of changes, after `debounceMs` without a new one. */
  readonly onChange: (dirs: readonly string[]) => void;
  readonly onError: (dir: string, error: unknown) => void;
  readonly debounceMs?: number | undefined;
}

export class DirectoryWatcher {
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #changed = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly options: WatchOptions) {}

  /** Watches exactly `dirs` from now on (the set changes when a reload names other ones). */
  watch(dirs: Iterable<string>): void {
    if (this.#closed) return;
    const wanted = new Set(dirs);
    for (const [dir, watcher] of this.#watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.#watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.#watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, () => this.#touched(dir));
        watcher.on("error", (error) => {
          watcher.close();
          this.#watchers.delete(dir);
          this.options.onError(dir, error);
        });
        this.#watchers.set(dir, watcher);
      } catch (error: unknown) {
        this.options.onError(dir, error);
      }
    }
  }

  get watching(): readonly string[] {
    return [...this.#watchers.keys()];
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  #touched(dir: string): void {
    if (this.#closed) return;
    this.#changed.add(dir);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const dirs = [...this.#changed];
      this.#changed.clear();
      this.options.onChange(dirs);
    }, this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    this.#timer.unref();
  }
}
