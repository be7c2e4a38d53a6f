/** A small time-bounded cache; the TTL is read on every lookup so settings changes apply at once. */
export class TtlCache<T> {
  readonly #entries = new Map<string, { value: T; storedAt: number }>();
  readonly #loading = new Map<string, Promise<T>>();
  readonly #ttlMs: () => number;
  readonly #now: () => number;
  readonly #maxEntries: number;

  constructor(options: { ttlMs: () => number; now?: () => number; maxEntries?: number }) {
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
    this.#maxEntries = options.maxEntries ?? 500;
  }

  /** Concurrent callers for the same key share one load; failures are not cached. */
  getOrLoad(key: string, load: () => Promise<T>): Promise<T> {
    const ttl = this.#ttlMs();
    const entry = this.#entries.get(key);
    if (entry && ttl > 0 && this.#now() - entry.storedAt < ttl) return Promise.resolve(entry.value);
    this.#entries.delete(key);
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const loading = load()
      .then((value) => {
        if (this.#ttlMs() > 0) {
          // Oldest first: Map keeps insertion order.
          if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
          this.#entries.set(key, { value, storedAt: this.#now() });
        }
        return value;
      })
      .finally(() => this.#loading.delete(key));
    this.#loading.set(key, loading);
    return loading;
  }

  clear(): void {
    this.#entries.clear();
  }
}
