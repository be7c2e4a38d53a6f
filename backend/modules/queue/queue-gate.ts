import type { Logger } from '../../adapters/logger.ts';
import type { ProviderHealthReport } from '../../providers/provider-health.ts';
import type { DownloadJobs } from './download-jobs.ts';
import type { DownloadItems } from './download-items.ts';
import type { QueueControl } from './queue-state.ts';

/** What holds the queue: the provider (or every hoster) is unwell, or the media disk is full. */
export type HoldReason = 'provider' | 'disk_full';

export interface QueueHoldView {
  readonly reason: HoldReason;
  /** The real cause first, for a person ("The provider did not answer for 3 minutes (...)"). */
  readonly message: string;
  readonly since: string;
  readonly next_try_at: string;
  /** Looks at the provider (or the disk) since the hold began. */
  readonly tries: number;
}

export interface QueueGateDeps {
  readonly items: DownloadItems;
  readonly jobs: DownloadJobs;
  readonly control: QueueControl;
  /** The provider-health module: its probe asks the site once; it tells when the site answers again. */
  readonly provider: {
    current(): ProviderHealthReport;
    probe(): Promise<ProviderHealthReport>;
    subscribe(listener: (report: ProviderHealthReport) => void): () => void;
  };
  /** Whether the media disk has room again for what the held items still need. */
  readonly diskHasRoom: (neededBytes: number) => Promise<boolean>;
  readonly logger: Logger;
  /** Wait before look number n (1-based) at a provider or disk that was not well: grows, capped. */
  readonly waitMs: (look: number) => number;
  /** The hold began, changed or ended (the panel's status shows it). */
  readonly changed: () => void;
}

interface Hold {
  readonly reason: HoldReason;
  readonly since: number;
  cause: string;
  tries: number;
  nextAt: number;
  timer: NodeJS.Timeout | undefined;
  /** Pending items that wait for the hold to end, with the bytes each still needs (disk). */
  readonly items: Map<string, number>;
}

/**
 * Outages stop the queue, not the episodes. When an attempt fails because the provider (or
 * every hoster) is unwell, or because the disk is full, the whole queue holds: no download job
 * starts, the item goes back in line with the reason, and nothing counts towards its attempts.
 * The gate looks again after growing waits (capped at a few minutes) and, once the provider
 * answers (or there is room on the disk), lets every held item start at once, by itself.
 */
export class QueueGate {
  readonly #deps: QueueGateDeps;
  #hold: Hold | undefined;
  /** Holds in a row without a download completing in between: the waits grow with it. */
  #streak = 0;
  #closed = false;
  readonly #unsubscribe: () => void;

  constructor(deps: QueueGateDeps) {
    this.#deps = deps;
    // Any request of the app that reaches the provider (a refresh, a search) ends a provider hold.
    this.#unsubscribe = deps.provider.subscribe((report) => {
      if (report.status === 'ok' && this.#hold?.reason === 'provider')
        this.#look().catch((error) => deps.logger.error({ err: error }, 'could not end the wait for the provider'));
    });
  }

  /** Whether downloads may start as far as outages go. */
  get open(): boolean {
    return this.#hold === undefined;
  }

  view(): QueueHoldView | null {
    const hold = this.#hold;
    if (!hold) return null;
    return {
      reason: hold.reason,
      message: this.#message(hold),
      since: new Date(hold.since).toISOString(),
      next_try_at: new Date(hold.nextAt).toISOString(),
      tries: hold.tries,
    };
  }

  /**
   * An attempt failed for an outage: holds the queue (or keeps holding it). Returns what the item
   * shows and when its job is due again (the gate makes it due earlier when the hold ends).
   */
  async hold(reason: HoldReason, item: { id: string; remainingBytes: number }, cause: string): Promise<{ message: string; retryAt: Date }> {
    let hold = this.#hold;
    if (!hold || hold.reason !== reason) {
      if (hold) clearTimeout(hold.timer);
      this.#streak++;
      const now = Date.now();
      hold = { reason, since: now, cause, tries: 0, nextAt: now + this.#deps.waitMs(this.#streak), timer: undefined, items: new Map(hold?.items ?? []) };
      this.#hold = hold;
      this.#deps.logger.warn(
        { reason, cause, next_try_at: new Date(hold.nextAt).toISOString() },
        reason === 'disk_full' ? 'the media disk is full: the queue waits for space' : 'the provider is unwell: the queue waits for it',
      );
      await this.#deps.jobs.pauseAll();
      this.#arm(hold);
      this.#deps.changed();
    }
    hold.cause = cause;
    hold.items.set(item.id, item.remainingBytes);
    return { message: this.#message(hold), retryAt: new Date(hold.nextAt) };
  }

  /** A download completed: the provider is fine, the next hold starts with a short wait again. */
  succeeded(): void {
    if (!this.#hold) this.#streak = 0;
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    clearTimeout(this.#hold?.timer);
  }

  #arm(hold: Hold): void {
    clearTimeout(hold.timer);
    if (this.#closed) return;
    hold.timer = setTimeout(
      () => {
        this.#look().catch((error) => this.#deps.logger.error({ err: error }, 'could not look at the provider or the disk'));
      },
      Math.max(0, hold.nextAt - Date.now()),
    );
    hold.timer.unref();
  }

  /** Looks at what holds the queue; ends the hold when it is well again, else waits longer. */
  async #look(): Promise<void> {
    const hold = this.#hold;
    if (!hold || this.#closed) return;
    clearTimeout(hold.timer);
    hold.tries++;
    const well =
      hold.reason === 'provider' ? (await this.#deps.provider.probe()).status === 'ok' : await this.#deps.diskHasRoom(Math.max(0, ...hold.items.values()));
    if (this.#hold !== hold) return;
    if (well) return this.#release(hold);
    hold.nextAt = Date.now() + this.#deps.waitMs(this.#streak + hold.tries);
    this.#arm(hold);
    // The items show the latest reason and the next try.
    await this.#deps.items.setError([...hold.items.keys()], this.#message(hold), ['pending']);
    this.#deps.changed();
  }

  async #release(hold: Hold): Promise<void> {
    this.#hold = undefined;
    this.#deps.logger.info(
      { reason: hold.reason, waited_ms: Date.now() - hold.since, tries: hold.tries },
      hold.reason === 'disk_full' ? 'there is room on the disk again: the queue goes on' : 'the provider answers again: the queue goes on',
    );
    await this.#deps.items.inContext(async () => {
      await this.#deps.control.refresh();
      if (this.#deps.control.open) await this.#deps.jobs.resumeAll();
      // The held items start now, in queue order (their jobs were due at the next look).
      await this.#deps.jobs.resequence(await this.#deps.items.pending(), new Set(hold.items.keys()));
    });
    this.#deps.changed();
  }

  #message(hold: Hold): string {
    const waited = formatDuration(Date.now() - hold.since);
    const next = `next try in ${formatDuration(Math.max(0, hold.nextAt - Date.now()))}`;
    if (hold.reason === 'disk_full') return `Disk full: ${hold.cause}; waiting for space for ${waited} (${next})`;
    const report = this.#deps.provider.current();
    const cause =
      report.status === 'down'
        ? `The provider did not answer for ${waited} (${report.last_error ?? hold.cause})`
        : report.status === 'check'
          ? `${report.last_error ?? hold.cause}`
          : hold.cause;
    return `${cause}; waiting for the provider (${next})`;
  }
}

/** "40 s", "3 minutes", "1 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minutes`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
