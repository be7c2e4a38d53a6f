/**
 * Remembers which entries a live event changed, and in what order, so that an answer asked for
 * before the event cannot undo it: a queue answer still on its way while progress events arrive
 * would otherwise move a progress bar back.
 */
export class EventStamps<K> {
  #count = 0;
  readonly #changed = new Map<K, number>();

  /** A live event changed (or removed) this entry. */
  touch(key: K): void {
    this.#changed.set(key, ++this.#count);
  }

  /** Taken when a request is sent; `merge` its answer with it. */
  now(): number {
    return this.#count;
  }

  /** The answer, except for entries an event changed after `askedAt`: those stay as the events left them. */
  merge<V>(answer: ReadonlyMap<K, V>, current: ReadonlyMap<K, V>, askedAt: number): Map<K, V> {
    const merged = new Map(answer);
    for (const [key, at] of this.#changed) {
      if (at <= askedAt) continue;
      const live = current.get(key);
      if (live === undefined) merged.delete(key);
      else merged.set(key, live);
    }
    return merged;
  }
}
