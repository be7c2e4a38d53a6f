import type { DomainEvent } from '../events/bus.ts';

type ProgressEvent = DomainEvent<'download_progress'>;

interface ItemState {
  lastSentAt: number;
  pending: ProgressEvent | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * At most one progress message per download per interval, latest value wins.
 * A download's terminal event calls `settle` first, so its last progress value goes out
 * before the completion and nothing is left waiting on a timer.
 */
export class ProgressCoalescer {
  readonly #intervalMs: number;
  readonly #emit: (event: ProgressEvent) => void;
  readonly #items = new Map<string, ItemState>();

  constructor(intervalMs: number, emit: (event: ProgressEvent) => void) {
    this.#intervalMs = intervalMs;
    this.#emit = emit;
  }

  push(event: ProgressEvent): void {
    const id = event.data.item_id;
    const now = performance.now();
    let state = this.#items.get(id);
    if (!state) {
      state = { lastSentAt: -Infinity, pending: undefined, timer: undefined };
      this.#items.set(id, state);
    }
    const waited = now - state.lastSentAt;
    if (!state.timer && waited >= this.#intervalMs) {
      state.lastSentAt = now;
      this.#emit(event);
      return;
    }
    state.pending = event;
    state.timer ??= setTimeout(() => this.#fire(id), Math.max(0, this.#intervalMs - waited));
  }

  /** Sends what is still waiting for this download now and forgets it. */
  settle(itemId: string): void {
    const state = this.#items.get(itemId);
    if (!state) return;
    clearTimeout(state.timer);
    this.#items.delete(itemId);
    if (state.pending) this.#emit(state.pending);
  }

  /** Forgets downloads that went quiet without a terminal event (paused, stopped queue). */
  sweep(): void {
    const cutoff = performance.now() - this.#intervalMs;
    for (const [id, state] of this.#items) if (!state.timer && state.lastSentAt < cutoff) this.#items.delete(id);
  }

  close(): void {
    for (const state of this.#items.values()) clearTimeout(state.timer);
    this.#items.clear();
  }

  #fire(id: string): void {
    const state = this.#items.get(id);
    if (!state) return;
    state.timer = undefined;
    const pending = state.pending;
    state.pending = undefined;
    if (!pending) return;
    state.lastSentAt = performance.now();
    this.#emit(pending);
  }
}
