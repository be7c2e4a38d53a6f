import { basename, dirname, resolve } from 'node:path';
import type { watch } from 'chokidar';
import { FolderWatcher, type FolderChange, type WatchMode } from '../../adapters/folder-watcher.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Clock } from '../../adapters/clock.ts';
import { inContext } from '../../db/context.ts';
import type { Orm } from '../../db/orm.ts';
import type { EventBus } from '../../events/bus.ts';
import { isVideoFile } from '../../library/episode-file.ts';
import type { ComponentState } from '../system/health.service.ts';
import type { Settings } from '../../../config/schema.ts';

/** Files we wrote ourselves (finished downloads) are not news: the download already updated the library. */
const OWN_WRITE_MS = 60_000;

export interface LibraryWatcherOptions {
  readonly series: {
    mediaRoot(): string;
    keyForPath(absolutePath: string): Promise<string | undefined>;
    scanSeries(key: string): Promise<unknown>;
  };
  readonly orm: Orm;
  readonly settings: { current(): Readonly<Settings>; subscribe(listener: (next: Readonly<Settings>, previous: Readonly<Settings>) => void): () => void };
  readonly events?: EventBus;
  readonly logger: Logger;
  /** How long a file we wrote ourselves stays ignored is measured on it. */
  readonly clock: Clock;
  /** Quiet time per series before its scan runs (default 2 s): a season copied in is one scan. */
  readonly debounceMs?: number;
  readonly pollIntervalMs?: number;
  readonly writeFinishMs?: number;
  readonly watch?: typeof watch;
}

/**
 * Watches the media root (series and season folders) and rescans only the series a change
 * belongs to. Settings decide: library.watch (on/off) and library.watch_polling (network shares);
 * both apply live. The scheduled full rescan catches whatever this misses.
 */
export class LibraryWatcher {
  readonly #options: LibraryWatcherOptions;
  readonly #logger: Logger;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #scanning = new Map<string, Promise<void>>();
  readonly #rescanAfter = new Set<string>();
  readonly #ownWrites = new Map<string, number>();
  #watcher: FolderWatcher | undefined;
  #unsubscribe: (() => void)[] = [];
  #restarting: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: LibraryWatcherOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'watcher' });
  }

  get mode(): WatchMode {
    return this.#watcher?.mode ?? 'off';
  }

  async start(): Promise<void> {
    this.#unsubscribe.push(
      this.#options.settings.subscribe((next, previous) => {
        const changed =
          next.library.watch !== previous.library.watch ||
          next.library.watch_polling !== previous.library.watch_polling ||
          next.anime_directory !== previous.anime_directory;
        if (changed)
          this.#restarting = this.#restarting
            .then(() => this.#restart())
            .catch((error) => this.#logger.error({ err: error }, 'could not restart the folder watcher'));
      }),
    );
    if (this.#options.events) {
      this.#unsubscribe.push(
        this.#options.events.subscribe((event) => {
          if (event.type !== 'download_complete') return;
          const file = (event.data as { file_path?: string }).file_path;
          if (file) this.#ownWrites.set(resolve(file), this.#options.clock.now().getTime() + OWN_WRITE_MS);
        }),
      );
    }
    await this.#restart();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await this.#restarting;
    await this.#watcher?.close();
    this.#watcher = undefined;
    await Promise.allSettled([...this.#scanning.values()]);
  }

  /** For /health: mode inotify | polling | off and whether it is watching (no paths: health is public). */
  health(): ComponentState {
    const watcher = this.#watcher;
    if (!watcher) return { status: 'disabled', mode: 'off', state: 'off' };
    return {
      status: 'ok',
      mode: watcher.mode,
      state: watcher.state,
      pending_series: this.#timers.size + this.#scanning.size,
      ...(watcher.fallbackReason ? { fallback_reason: watcher.fallbackReason } : {}),
    };
  }

  /** Resolves when no series scan is waiting or running (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#timers.size > 0 || this.#scanning.size > 0) {
      await Promise.allSettled([...this.#scanning.values()]);
      if (this.#timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async #restart(): Promise<void> {
    await this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#closed) return;
    const settings = this.#options.settings.current();
    if (!settings.library.watch) {
      this.#logger.info('folder watching is off (library.watch=false)');
      return;
    }
    const root = this.#options.series.mediaRoot();
    const watcher = new FolderWatcher({
      root,
      depth: 2,
      polling: settings.library.watch_polling,
      pollIntervalMs: this.#options.pollIntervalMs,
      writeFinishMs: this.#options.writeFinishMs,
      logger: this.#logger,
      watch: this.#options.watch,
      onChange: (event, path) => this.#onChange(event, path),
    });
    this.#watcher = watcher;
    try {
      await watcher.start();
      this.#logger.info({ root, mode: watcher.mode }, 'watching the media folder');
    } catch (error) {
      this.#logger.warn({ err: error, root }, 'could not watch the media folder; the scheduled rescan still runs');
    }
  }

  #onChange(event: FolderChange, path: string): void {
    const isFileEvent = event === 'add' || event === 'change' || event === 'unlink';
    if (isFileEvent && !isVideoFile(basename(path))) return;
    if (isFileEvent && this.#isOwnWrite(path)) return;
    inContext(this.#options.orm, () => this.#options.series.keyForPath(path)).then(
      (key) => {
        if (!key) {
          this.#logger.debug({ event, path }, 'change outside any known series; the next library scan looks at it');
          // A folder no series owns came or went directly in the media folder: the import page shows it at once.
          if ((event === 'addDir' || event === 'unlinkDir') && resolve(dirname(path)) === resolve(this.#options.series.mediaRoot())) {
            this.#options.events?.publish('import_folder_changed', { folder: basename(path), change: event === 'addDir' ? 'added' : 'removed' });
          }
          return;
        }
        this.#schedule(key);
      },
      (error) => this.#logger.warn({ err: error, path }, 'could not tell which series a change belongs to'),
    );
  }

  #isOwnWrite(path: string): boolean {
    const now = this.#options.clock.now().getTime();
    for (const [file, expires] of this.#ownWrites) if (expires < now) this.#ownWrites.delete(file);
    return this.#ownWrites.has(resolve(path));
  }

  #schedule(key: string): void {
    if (this.#closed) return;
    clearTimeout(this.#timers.get(key));
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.#scan(key);
    }, this.#options.debounceMs ?? 2000);
    this.#timers.set(key, timer);
  }

  #scan(key: string): void {
    if (this.#scanning.has(key)) {
      // One scan per series at a time; changes during a scan get one more scan after it.
      this.#rescanAfter.add(key);
      return;
    }
    const run = inContext(this.#options.orm, () => this.#options.series.scanSeries(key))
      .then((result) => this.#logger.info({ key, result }, 'series rescanned after a change on disk'))
      .catch((error) => this.#logger.warn({ err: error, key }, 'series rescan after a change failed'))
      .finally(() => {
        this.#scanning.delete(key);
        if (this.#rescanAfter.delete(key) && !this.#closed) this.#scan(key);
      });
    this.#scanning.set(key, run);
  }
}
