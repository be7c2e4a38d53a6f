import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../adapters/atomic-file.ts';

/** Whether the queue runs, survives a restart: a stopped or paused queue stays that way. */
export interface QueueState {
  readonly running: boolean;
  readonly paused: boolean;
  /** Items the whole-queue pause interrupted; resume puts them back in line (individually paused ones stay). */
  readonly pausedItems: readonly string[];
}

/** A fresh install runs its queue: downloads start without anyone pressing a button. */
export const INITIAL_QUEUE_STATE: QueueState = { running: true, paused: false, pausedItems: [] };

export class QueueStateFile {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  async load(): Promise<QueueState> {
    try {
      const raw = JSON.parse(await readFile(this.#file, 'utf8')) as { running?: unknown; paused?: unknown; paused_items?: unknown };
      return {
        running: raw.running !== false,
        paused: raw.paused === true,
        pausedItems: Array.isArray(raw.paused_items) ? raw.paused_items.filter((id): id is string => typeof id === 'string') : [],
      };
    } catch {
      return INITIAL_QUEUE_STATE;
    }
  }

  async save(state: QueueState): Promise<void> {
    await writeFileAtomic(this.#file, `${JSON.stringify({ running: state.running, paused: state.paused, paused_items: state.pausedItems })}\n`, {
      mode: 0o600,
    });
  }
}

/**
 * Whether the whole queue runs: the state file, shared by every process of a scale-out on the
 * config volume, so that a stop or pause made through one API process holds in all of them.
 */
export class QueueControl {
  readonly #file: QueueStateFile;
  readonly #shared: boolean;
  #state: QueueState = { running: false, paused: false, pausedItems: [] };
  #loaded = false;
  /** Bumped by every local change, so that a re-read of the file never overwrites a newer one. */
  #version = 0;

  /** `shared`: other processes may change the file (scale-out); re-read it before deciding. */
  constructor(file: QueueStateFile, shared: boolean) {
    this.#file = file;
    this.#shared = shared;
  }

  async load(): Promise<void> {
    this.#state = await this.#file.load();
    this.#loaded = true;
  }

  /** The state as last read or written. */
  get current(): QueueState {
    return this.#state;
  }

  /** Whether downloads may start (the queue runs and is not paused). */
  get open(): boolean {
    return this.#state.running && !this.#state.paused;
  }

  /** Re-reads the file when other processes may have changed it (or it was never read). */
  async refresh(): Promise<QueueState> {
    if (!this.#loaded) {
      await this.load();
      return this.#state;
    }
    if (!this.#shared) return this.#state;
    const version = this.#version;
    const stored = await this.#file.load();
    if (version === this.#version) this.#state = stored;
    return this.#state;
  }

  async set(next: QueueState): Promise<void> {
    this.#version++;
    this.#loaded = true;
    this.#state = next;
    await this.#file.save(next);
  }

  /** Items named here are no longer resumed by a whole-queue resume (removed, resumed by hand). */
  async forgetPaused(ids: readonly string[]): Promise<void> {
    await this.refresh();
    if (!this.#state.pausedItems.some((id) => ids.includes(id))) return;
    await this.set({ ...this.#state, pausedItems: this.#state.pausedItems.filter((id) => !ids.includes(id)) });
  }

  /** The wire shape of the state (queue_* events and the answers of start/stop/pause/resume). */
  view(): { is_running: boolean; is_paused: boolean } {
    return { is_running: this.#state.running, is_paused: this.#state.paused };
  }
}
