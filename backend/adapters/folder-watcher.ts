import { basename } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from './logger.ts';

export type WatchMode = 'inotify' | 'polling' | 'off';
export type WatchState = 'starting' | 'watching' | 'closed';
export type FolderChange = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

export interface FolderWatcherOptions {
  readonly root: string;
  /** Levels below the root (media root: 2 = series folder, season folder, file). */
  readonly depth: number;
  /** Poll instead of using inotify (network shares, where inotify sees nothing). */
  readonly polling: boolean;
  readonly pollIntervalMs?: number;
  /** How long a file must stop growing before it counts as written. */
  readonly writeFinishMs?: number;
  /** Paths nobody needs to hear about (on top of dotfiles and *.part, which are always ignored). */
  readonly ignore?: (path: string) => boolean;
  readonly onChange: (event: FolderChange, path: string) => void;
  readonly logger: Logger;
  /** chokidar's watch(); tests wrap it to observe or fail the watcher the way the OS would. */
  readonly watch?: typeof watch;
}

/**
 * chokidar on one folder. Dotfiles (our own .aniworld.json) and *.part files (downloads in
 * progress) never produce events. When native watching fails (ENOSPC: out of inotify watches,
 * EMFILE, a share that refuses it) it switches to polling with a warning instead of throwing.
 */
export class FolderWatcher {
  readonly #options: FolderWatcherOptions;
  #watcher: FSWatcher | undefined;
  #mode: WatchMode;
  #state: WatchState = 'starting';
  #fallbackReason: string | undefined;

  constructor(options: FolderWatcherOptions) {
    this.#options = options;
    this.#mode = options.polling ? 'polling' : 'inotify';
  }

  get mode(): WatchMode {
    return this.#state === 'closed' ? 'off' : this.#mode;
  }

  get state(): WatchState {
    return this.#state;
  }

  /** Why native watching was given up, when it was. */
  get fallbackReason(): string | undefined {
    return this.#fallbackReason;
  }

  /** Resolves when the initial directory walk is done and changes are being reported. */
  async start(): Promise<void> {
    await this.#open(this.#mode === 'polling');
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    const watcher = this.#watcher;
    this.#watcher = undefined;
    await watcher?.close();
  }

  async #open(polling: boolean): Promise<void> {
    const options = this.#options;
    const watcher = (options.watch ?? watch)(options.root, {
      persistent: true,
      ignoreInitial: true,
      depth: options.depth,
      usePolling: polling,
      interval: options.pollIntervalMs ?? 5000,
      binaryInterval: options.pollIntervalMs ?? 5000,
      awaitWriteFinish: { stabilityThreshold: options.writeFinishMs ?? 2000, pollInterval: Math.min(500, options.writeFinishMs ?? 2000) },
      ignorePermissionErrors: true,
      ignored: (path: string) => path !== options.root && (isHiddenOrPartial(path) || (options.ignore?.(path) ?? false)),
    });
    this.#watcher = watcher;
    for (const event of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const) {
      watcher.on(event, (path: string) => {
        if (this.#watcher === watcher) options.onChange(event, path);
      });
    }
    const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    watcher.on('error', (error: unknown) => {
      void this.#onError(watcher, error as NodeJS.ErrnoException);
    });
    await ready;
    if (this.#watcher === watcher && this.#state !== 'closed') this.#state = 'watching';
  }

  async #onError(watcher: FSWatcher, error: NodeJS.ErrnoException): Promise<void> {
    if (this.#watcher !== watcher || this.#state === 'closed') return;
    if (this.#mode === 'polling') {
      this.#options.logger.warn({ err: error, root: this.#options.root }, 'folder watcher error while polling; continuing');
      return;
    }
    this.#fallbackReason = error.code ? `${error.code}: ${error.message}` : error.message;
    this.#options.logger.warn(
      { err: error, root: this.#options.root },
      error.code === 'ENOSPC'
        ? 'the system ran out of inotify watches; watching the media folder by polling instead (raise fs.inotify.max_user_watches to go back)'
        : 'native folder watching failed; watching the media folder by polling instead',
    );
    this.#mode = 'polling';
    this.#state = 'starting';
    this.#watcher = undefined;
    await watcher.close().catch(() => {});
    // close() may have been called while the failed watcher was closing.
    if ((this.#state as WatchState) === 'closed') return;
    try {
      await this.#open(true);
    } catch (reopenError) {
      this.#options.logger.error({ err: reopenError }, 'folder watcher could not restart by polling');
    }
  }
}

function isHiddenOrPartial(path: string): boolean {
  const name = basename(path);
  return name.startsWith('.') || name.endsWith('.part');
}
