import type { Election } from '../../adapters/pg-advisory-lock.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { ComponentState } from '../system/health.service.ts';

/** What the composition root starts, health-checks and closes: a LibraryWatcher, or one that is elected first. */
export interface Watcher {
  start(): Promise<void>;
  close(): Promise<void>;
  health(): ComponentState;
}

/**
 * Scale-out: several workers share one media folder, and one watcher is enough (each would rescan
 * the same series after every change). Only the process that wins the election watches; the others
 * stand by and take over when it goes away. Watchers are built anew on every win, so a process
 * that lost and won again starts from a fresh directory walk.
 */
export class ElectedWatcher implements Watcher {
  readonly #createWatcher: () => Watcher;
  readonly #election: Election;
  readonly #logger: Logger;
  #watcher: Watcher | undefined;
  /** Starting and stopping one after the other, in the order the election changed. */
  #changes: Promise<void> = Promise.resolve();
  #closed = false;

  /** `elect` gets the callback the election must call when this process wins or loses. */
  constructor(options: { createWatcher: () => Watcher; elect: (onChange: (held: boolean) => void) => Election; logger: Logger }) {
    this.#createWatcher = options.createWatcher;
    this.#logger = options.logger.child({ component: 'watcher' });
    this.#election = options.elect((held) => this.#onChange(held));
  }

  async start(): Promise<void> {
    await this.#election.start();
    if (!this.#election.held) this.#logger.info('another process watches the media folder; standing by');
    await this.#changes;
  }

  /** The watcher stops before the lock is given up, so the next holder never overlaps with it. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#changes = this.#changes.then(() => this.#stopWatching());
    await this.#changes;
    await this.#election.close();
  }

  health(): ComponentState {
    if (this.#watcher) return { ...this.#watcher.health(), elected: true };
    return { status: 'ok', mode: 'off', state: 'standby', elected: false };
  }

  #onChange(held: boolean): void {
    this.#changes = this.#changes
      .then(() => (held && !this.#closed ? this.#startWatching() : this.#stopWatching()))
      .catch((error) => this.#logger.error({ err: error }, 'could not start or stop the folder watcher'));
  }

  async #startWatching(): Promise<void> {
    if (this.#watcher) return;
    this.#logger.info('this process watches the media folder');
    const watcher = this.#createWatcher();
    this.#watcher = watcher;
    await watcher.start();
  }

  async #stopWatching(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    await watcher?.close();
  }
}
