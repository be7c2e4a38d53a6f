export interface TransferProgress {
  readonly bytes: number;
  /** Expected total in bytes; for HLS an estimate from the segments done so far. */
  readonly total: number | null;
  /** 0..100 */
  readonly percent: number;
  /** Bytes per second over the last few seconds. */
  readonly speed: number;
  readonly etaSeconds: number | null;
}

const WINDOW_MS = 3000;

/**
 * Turns a stream of "n more bytes" into progress reports, at most one per interval
 * (twice a second by default), with speed over a short sliding window.
 */
export class ProgressMeter {
  #bytes: number;
  #total: number | null;
  #fraction: number | null = null;
  #lastEmit = -Infinity;
  readonly #samples: { at: number; bytes: number }[] = [];
  readonly #emit: (progress: TransferProgress) => void;
  readonly #now: () => number;
  readonly #intervalMs: number;

  constructor(options: { emit: (progress: TransferProgress) => void; startBytes?: number; total?: number | null; now?: () => number; intervalMs?: number }) {
    this.#emit = options.emit;
    this.#bytes = options.startBytes ?? 0;
    this.#total = options.total ?? null;
    this.#now = options.now ?? (() => performance.now());
    this.#intervalMs = options.intervalMs ?? 500;
    this.#samples.push({ at: this.#now(), bytes: this.#bytes });
  }

  setTotal(total: number | null): void {
    this.#total = total;
  }

  /** HLS knows its progress by segments rather than by bytes. */
  setFraction(fraction: number): void {
    this.#fraction = Math.min(1, Math.max(0, fraction));
  }

  /** Restart from zero (the server ignored a Range request). */
  reset(bytes = 0): void {
    this.#bytes = bytes;
    this.#samples.length = 0;
    this.#samples.push({ at: this.#now(), bytes });
  }

  add(bytes: number): void {
    this.#bytes += bytes;
    const now = this.#now();
    if (now - this.#lastEmit >= this.#intervalMs) this.#report(now);
  }

  /** The final report, sent whatever the interval says. */
  finish(): void {
    this.#report(this.#now(), true);
  }

  get bytes(): number {
    return this.#bytes;
  }

  #report(now: number, final = false): void {
    this.#lastEmit = now;
    this.#samples.push({ at: now, bytes: this.#bytes });
    while (this.#samples.length > 2 && now - this.#samples[0].at > WINDOW_MS) this.#samples.shift();
    const first = this.#samples[0];
    const elapsed = (now - first.at) / 1000;
    const speed = elapsed > 0 ? Math.max(0, (this.#bytes - first.bytes) / elapsed) : 0;
    const total = this.#total;
    let percent = final ? 100 : 0;
    if (!final && this.#fraction !== null) percent = this.#fraction * 100;
    else if (!final && total) percent = Math.min(100, (this.#bytes / total) * 100);
    const remaining = total !== null ? Math.max(0, total - this.#bytes) : null;
    const etaSeconds = final ? 0 : remaining !== null && speed > 0 ? Math.round(remaining / speed) : null;
    this.#emit({ bytes: this.#bytes, total, percent: Math.round(percent * 10) / 10, speed: Math.round(speed), etaSeconds });
  }
}
