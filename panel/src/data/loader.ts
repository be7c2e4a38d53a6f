import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type LoadStatus = 'idle' | 'pending' | 'complete' | 'error';

/**
 * One piece of page data from the API. Every run gets its own AbortController and aborts the run
 * before it, and only the latest run's answer (or error) is kept: a late answer of an earlier
 * run (another series, or a queue state older than a live event) never overwrites a newer one.
 * A value set from a live event also ends the running load, since that load's answer was asked
 * for before the event and may be older than it. Disconnecting the element ends the load too.
 */
export class Loader<T> implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #load: (signal: AbortSignal) => Promise<T>;
  #controller: AbortController | undefined;
  /** Bumped by every run, set and disconnect: an answer of an older number is dropped. */
  #generation = 0;
  /** Changes made (by live events) while the current run was out: applied to its answer too. */
  #changes: ((value: T) => T)[] = [];
  status: LoadStatus = 'idle';
  value: T | undefined;
  error: unknown;

  constructor(host: ReactiveControllerHost, load: (signal: AbortSignal) => Promise<T>) {
    this.#host = host;
    this.#load = load;
    host.addController(this);
  }

  /** Whether a load is out. */
  get pending(): boolean {
    return this.status === 'pending';
  }

  /**
   * Loads again. `reset` forgets the shown value first (the page shows another thing now, so the
   * old value must not stay on screen while the new one loads). Resolves when this run settled,
   * whether its answer was kept or dropped; never rejects (the error is in `error`).
   */
  async run(options: { reset?: boolean } = {}): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    const generation = ++this.#generation;
    this.#controller = controller;
    this.#changes = [];
    if (options.reset) this.value = undefined;
    this.status = 'pending';
    this.#host.requestUpdate();
    let value: T;
    try {
      value = await this.#load(controller.signal);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#settle('error', this.value, error);
      return;
    }
    if (generation !== this.#generation) return;
    for (const change of this.#changes) value = change(value);
    this.#settle('complete', value, undefined);
  }

  /** A whole newer state from elsewhere (a live event): shown at once; a running load is dropped. */
  set(value: T): void {
    this.#abort();
    this.#settle('complete', value, undefined);
  }

  /**
   * A change to the shown value (a live progress event). A load that is out started before it:
   * its answer gets the same change, so it cannot undo what the event said.
   */
  update(change: (value: T) => T): void {
    if (this.status === 'pending') this.#changes.push(change);
    if (this.value !== undefined) {
      this.value = change(this.value);
      this.#host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    this.#abort();
    if (this.status === 'pending') this.status = this.value === undefined ? 'idle' : 'complete';
  }

  #abort(): void {
    this.#generation++;
    this.#controller?.abort();
    this.#controller = undefined;
    this.#changes = [];
  }

  #settle(status: LoadStatus, value: T | undefined, error: unknown): void {
    this.#controller = undefined;
    this.#changes = [];
    this.status = status;
    this.value = value;
    this.error = error;
    this.#host.requestUpdate();
  }
}
