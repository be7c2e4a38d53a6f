/**
 * The global download speed limit, shared by every transfer. Tokens are bytes; the rate can be
 * changed while transfers run (a waiter re-reads it at least every 200 ms). Rate 0 = no limit.
 */
export class TokenBucket {
  #rate: number;
  #tokens: number;
  #last: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #listeners = new Set<(bytesPerSecond: number) => void>();

  constructor(options: { bytesPerSecond: number; now?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> }) {
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? abortableSleep;
    this.#rate = Math.max(0, options.bytesPerSecond);
    this.#tokens = this.#capacity();
    this.#last = this.#now();
  }

  get rate(): number {
    return this.#rate;
  }

  setRate(bytesPerSecond: number): void {
    this.#refill();
    this.#rate = Math.max(0, bytesPerSecond);
    this.#tokens = Math.min(this.#tokens, this.#capacity());
    for (const listener of this.#listeners) listener(this.#rate);
  }

  /** Calls `listener` with every new rate; returns the unsubscribe. For transfers that run outside the bucket. */
  watch(listener: (bytesPerSecond: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Waits until `bytes` may pass. A chunk larger than the burst may drive the balance negative: later takers pay for it. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (this.#rate === 0) return;
      signal?.throwIfAborted();
      this.#refill();
      if (this.#tokens >= Math.min(bytes, this.#capacity())) {
        this.#tokens -= bytes;
        return;
      }
      const missing = Math.min(bytes, this.#capacity()) - this.#tokens;
      await this.#sleep(Math.min(200, Math.max(1, (missing / this.#rate) * 1000)), signal);
    }
  }

  /** A quarter second of burst keeps the output smooth without starving large chunks. */
  #capacity(): number {
    return Math.max(16 * 1024, this.#rate / 4);
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    if (this.#rate > 0) this.#tokens = Math.min(this.#capacity(), this.#tokens + elapsed * this.#rate);
  }
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
