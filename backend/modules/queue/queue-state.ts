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
    await writeFileAtomic(this.#file, `${JSON.stringify({ running: state.running, paused: state.paused, paused_items: state.pausedItems })}\n`, { mode: 0o600 });
  }
}
