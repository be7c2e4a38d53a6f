import type { DomainEvent } from '../events/bus.ts';

type ProgressEvent = DomainEvent<'download_progress'>;

interface ItemState {
  lastSentAt: number;
  pending: ProgressEvent | undefined;
  /** The grid slot this item waits for, when it waits. */
  slot: number | undefined;
}

/**
 * At most one progress message per download per interval, latest value wins.
 * Waiting values go out on a shared grid (multiples of the interval), so the updates of every
 * running download leave together and the hub can write them to each socket in one go.
 * A download's terminal event calls `settle` first, so its last progress value goes out
 * before the completion and nothing is left waiting on a timer.
 */
export class ProgressCoalescer {
  readonly #intervalMs: number;
  readonly #emit: (events: ProgressEvent[]) => void;
  readonly #items = new Map<string, ItemState>();
  readonly #slots = new Map<number, { timer: NodeJS.Timeout; items: Set<string> }>();

  constructor(intervalMs: number, emit: (events: ProgressEvent[]) => void) {
    this.#intervalMs = intervalMs;
    this.#emit = emit;
  }

  push(event: ProgressEvent): void {
    const id = event.data.item_id;
    const now = performance.now();
    let state = this.#items.get(id);
    if (!state) {
      state = { lastSentAt: -Infinity, pending: undefined, slot: undefined };
      this.#items.set(id, state);
    }
    if (state.slot === undefined && now - state.lastSentAt >= this.#intervalMs) {
      state.lastSentAt = now;
      this.#emit([event]);
      return;
    }
    state.pending = event;
    if (state.slot === undefined) this.#wait(id, state, Math.ceil((state.lastSentAt + this.#intervalMs) / this.#intervalMs) * this.#intervalMs, now);
  }

  /** Sends what is still waiting for this download now and forgets it. */
  settle(itemId: string): void {
    const state = this.#items.get(itemId);
    if (!state) return;
    if (state.slot !== undefined) this.#slots.get(state.slot)?.items.delete(itemId);
    this.#items.delete(itemId);
    if (state.pending) this.#emit([state.pending]);
  }

  /** Forgets downloads that went quiet without a terminal event (paused, stopped queue). */
  sweep(): void {
    const cutoff = performance.now() - this.#intervalMs;
    for (const [id, state] of this.#items) if (state.slot === undefined && state.lastSentAt < cutoff) this.#items.delete(id);
  }

  close(): void {
    for (const slot of this.#slots.values()) clearTimeout(slot.timer);
    this.#slots.clear();
    this.#items.clear();
  }

  #wait(id: string, state: ItemState, slotAt: number, now: number): void {
    state.slot = slotAt;
    let slot = this.#slots.get(slotAt);
    if (!slot) {
      slot = { timer: setTimeout(() => this.#fire(slotAt), Math.max(0, slotAt - now)), items: new Set() };
      this.#slots.set(slotAt, slot);
    }
    slot.items.add(id);
  }

  #fire(slotAt: number): void {
    const slot = this.#slots.get(slotAt);
    this.#slots.delete(slotAt);
    if (!slot) return;
    const batch: ProgressEvent[] = [];
    for (const id of slot.items) {
      const state = this.#items.get(id);
      if (!state?.pending) continue;
      batch.push(state.pending);
      state.pending = undefined;
      state.slot = undefined;
      // The slot's own time, not the timer's (often a few ms late): the next update keeps the
      // grid instead of slipping a whole interval.
      state.lastSentAt = slotAt;
    }
    if (batch.length > 0) this.#emit(batch);
  }
}
