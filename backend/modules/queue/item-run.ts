import type { EventBus } from '../../events/bus.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Settings } from '../../../config/schema.ts';
import { isAbort } from '../../downloads/errors.ts';
import { ProgressMeter, type TransferProgress } from '../../downloads/progress.ts';
import type { DownloadStatus, IDownloadItem } from './download-item.entity.ts';
import { DownloadFailure, episodeLabel, type EpisodeDownloader } from './episode-downloader.ts';
import type { DownloadItems } from './download-items.ts';
import type { DownloadJobs } from './download-jobs.ts';
import type { QueueControl } from './queue-state.ts';
import type { QueueGate } from './queue-gate.ts';
import { itemEventBase } from './queue-events.ts';
import { progressView } from './queue.view.ts';

/** Why a running transfer was stopped: decides the status it lands in. */
export type StopReason = 'pause' | 'queue-pause' | 'stop' | 'cancel' | 'shutdown';

interface ActiveTransfer {
  readonly controller: AbortController;
  reason: StopReason | undefined;
  progress: TransferProgress | undefined;
  readonly finished: Promise<void>;
}

/**
 * How often a running item writes its progress to its row (what /status shows in every process),
 * notices a pause, stop or removal made elsewhere, and re-reads its speed (which falls to 0 when
 * no bytes arrive: the transfer itself only reports when bytes do).
 */
const HEARTBEAT_MS = 1000;

export interface ItemRunDeps {
  readonly items: DownloadItems;
  readonly jobs: DownloadJobs;
  readonly control: QueueControl;
  readonly gate: QueueGate;
  readonly events: EventBus;
  readonly settings: { current(): Readonly<Settings> };
  readonly logger: Logger;
  readonly downloader: Pick<EpisodeDownloader, 'download'>;
  /** Delay before attempt n+1 after a transient failure of attempt n. */
  readonly backoffMs: (attempt: number) => number;
  /** Something changed that the panel's status shows (an item started or stopped). */
  readonly changed: () => void;
}

/**
 * Runs one attempt of one item: what the `download-episode` job does when Agenda starts it. The
 * job starting is the claim (pending -> downloading); the outcome is recorded on the row and a
 * retry is a new run time for the item's job. Transfers running in this process are kept here
 * so commands can stop them at once and /status can show their live progress.
 */
export class ItemRun {
  readonly #deps: ItemRunDeps;
  readonly #active = new Map<string, ActiveTransfer>();
  #closed = false;

  constructor(deps: ItemRunDeps) {
    this.#deps = deps;
  }

  /** Live progress of a transfer running in this process. */
  progressOf(id: string): TransferProgress | undefined {
    return this.#active.get(id)?.progress;
  }

  isRunningHere(id: string): boolean {
    return this.#active.has(id);
  }

  get activeCount(): number {
    return this.#active.size;
  }

  /**
   * Runs one attempt of the item. Returns when it completed, failed, went back in line for a
   * retry, or was paused, stopped or cancelled. `signal` is the job's (shutdown, job cancelled).
   */
  async run(id: string, signal?: AbortSignal): Promise<void> {
    if (this.#active.has(id) || this.#closed) return;
    // A job that started while an outage holds the queue (stored by another process) waits too.
    if (!this.#deps.gate.open) return this.#handBackIfPending(id);
    const item = await this.#claim(id);
    if (!item) return;
    const controller = new AbortController();
    let finish!: () => void;
    const active: ActiveTransfer = {
      controller,
      reason: undefined,
      progress: undefined,
      finished: new Promise((resolve) => {
        finish = resolve;
      }),
    };
    this.#active.set(id, active);
    const onJobAbort = () => {
      active.reason ??= 'shutdown';
      controller.abort(signal?.reason);
    };
    signal?.addEventListener('abort', onJobAbort, { once: true });
    const meter = new LiveProgress((progress) => this.#report(item, active, progress));
    const heartbeat = setInterval(() => {
      meter.tick();
      this.#heartbeat(id, active).catch(() => {});
    }, HEARTBEAT_MS);
    const attempts = Number(item.attempts) + 1;
    await this.#deps.items.update(id, { attempts, startedAt: item.startedAt ?? this.#deps.items.now() });
    this.#deps.changed();
    this.#deps.events.publish('download_started', { ...itemEventBase(item), attempt: attempts, serie_name: item.seriesName, language: item.language ?? null });
    try {
      const outcome = await this.#deps.downloader.download(
        {
          key: item.seriesKey,
          season: item.season,
          episode: item.episode,
          language: item.language ?? null,
          previous: { hoster: item.hoster ?? null, language: item.languageUsed ?? null, target: item.filePath ?? null },
          upgrade: item.upgradeFrom != null,
        },
        {
          signal: controller.signal,
          onProgress: (progress) => meter.update(progress),
          onSource: async ({ hoster, language, target }) => {
            item.hoster = hoster;
            item.languageUsed = language;
            item.filePath = target;
            await this.#deps.items.update(id, { hoster, languageUsed: language, filePath: target });
          },
        },
      );
      await this.#deps.items.update(id, {
        status: 'completed',
        progress: 100,
        downloadedBytes: outcome.size,
        totalBytes: outcome.size,
        speed: 0,
        eta: null,
        lastError: null,
        hoster: outcome.hoster,
        languageUsed: outcome.language,
        filePath: outcome.path,
        completedAt: this.#deps.items.now(),
      });
      this.#deps.gate.succeeded();
      this.#deps.events.publish('download_complete', {
        ...itemEventBase(item),
        file_path: outcome.path,
        size: outcome.size,
        hoster: outcome.hoster,
        language: outcome.language,
        serie_name: item.seriesName,
      });
      this.#deps.logger.info(
        {
          item_id: id,
          key: item.seriesKey,
          episode: episodeLabel(item.season, item.episode),
          hoster: outcome.hoster,
          bytes: outcome.size,
          resumed_from: outcome.resumedFrom,
        },
        'download complete',
      );
      if (item.upgradeFrom != null) {
        this.#deps.events.publish('episode_upgraded', {
          ...itemEventBase(item),
          serie_name: item.seriesName,
          from_language: item.upgradeFrom,
          to_language: outcome.language,
          file_path: outcome.path,
          previous_file_path: outcome.replaced ?? null,
          size: outcome.size,
          hoster: outcome.hoster,
        });
        this.#deps.logger.info(
          { item_id: id, key: item.seriesKey, episode: episodeLabel(item.season, item.episode), from: item.upgradeFrom, to: outcome.language },
          'episode upgraded',
        );
      }
    } catch (error) {
      await this.#settleFailure(item, attempts, active, error);
    } finally {
      clearInterval(heartbeat);
      signal?.removeEventListener('abort', onJobAbort);
      const progress = active.progress;
      if (progress)
        await this.#deps.items
          .update(id, { downloadedBytes: progress.bytes, totalBytes: progress.total, progress: progress.percent }, [
            'pending',
            'paused',
            'downloading',
            'failed',
          ])
          .catch(() => {});
      this.#active.delete(id);
      finish();
      this.#deps.changed();
      if (controller.signal.aborted)
        await this.#handBackIfPending(id).catch((error) => this.#deps.logger.warn({ err: error, item_id: id }, 'could not hand a stopped download over again'));
    }
  }

  /** Stops the transfer of the item if it runs here; resolves once it has settled. */
  async interrupt(id: string, reason: StopReason): Promise<void> {
    const active = this.#active.get(id);
    if (!active) return;
    active.reason = reason;
    active.controller.abort(new DOMException(`Download ${reason}`, 'AbortError'));
    await active.finished;
  }

  /** Stops every transfer running here. */
  async interruptAll(reason: StopReason): Promise<void> {
    await Promise.all([...this.#active.keys()].map((id) => this.interrupt(id, reason)));
  }

  /** Stops the transfers for a shutdown (their .part stays; they resume after the next start). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.interruptAll('shutdown');
  }

  /**
   * The job started: the item becomes `downloading` if it still waits and the queue runs. A job of
   * an item that was paused, removed or finished meanwhile has nothing to do; one that started
   * while the queue was stopped (saved by a process that did not know) leaves the item pending,
   * and the queue gives it a job again when it runs.
   */
  async #claim(id: string): Promise<IDownloadItem | undefined> {
    await this.#deps.control.refresh();
    if (!this.#deps.control.open) return undefined;
    // 'downloading' too: the job of a worker that died comes back once its lock expired.
    const claimed = await this.#deps.items.update(id, { status: 'downloading', speed: 0, eta: null }, ['pending', 'downloading']);
    if (claimed === 0) return undefined;
    return (await this.#deps.items.find(id)) ?? undefined;
  }

  #report(item: IDownloadItem, active: ActiveTransfer, progress: TransferProgress): void {
    active.progress = progress;
    this.#deps.events.publish('download_progress', { ...itemEventBase(item), progress: progressView(progress) });
  }

  /**
   * Writes the progress for other processes (their /status) and notices a pause, stop or removal
   * made there (or by a command-line tool), which stops the transfer (the .part stays).
   */
  async #heartbeat(id: string, active: ActiveTransfer): Promise<void> {
    if (active.controller.signal.aborted) return;
    const progress = active.progress;
    const fields: Partial<IDownloadItem> = progress
      ? { downloadedBytes: progress.bytes, totalBytes: progress.total, progress: progress.percent, speed: progress.speed, eta: progress.etaSeconds }
      : {};
    if ((await this.#deps.items.update(id, fields, ['downloading'])) > 0 || active.controller.signal.aborted) return;
    const current = await this.#deps.items.find(id);
    active.reason ??= !current ? 'cancel' : current.status === 'paused' ? 'pause' : 'stop';
    active.controller.abort(new DOMException(`Download ${active.reason}`, 'AbortError'));
  }

  /**
   * After a stopped transfer: if the item is back in line (a stop, a shutdown, or a retry or
   * resume while the transfer was winding down), it needs its job again once this one ended; the
   * runner stores it then, and only then reads the status. (On the API side of a scale-out a
   * running job stays stored until its worker stopped it, so that nothing starts a second transfer
   * into the same .part: a retry made there before this job ended leaves the job to us, also when
   * it came after the transfer had stopped.)
   */
  async #handBackIfPending(id: string): Promise<void> {
    const current = await this.#deps.items.find(id);
    if (!current) return;
    await this.#deps.jobs.append([current], undefined, async () => {
      const pending = (await this.#deps.items.find(id))?.status === 'pending';
      if (pending) this.#deps.logger.info({ item_id: id }, 'a stopped download is back in line; its job is stored again');
      return pending;
    });
  }

  async #settleFailure(item: IDownloadItem, attempts: number, active: ActiveTransfer, error: unknown): Promise<void> {
    const id = item.id;
    const { items, logger } = this.#deps;
    if (active.controller.signal.aborted || isAbort(error)) {
      const reason = active.reason ?? 'shutdown';
      logger.info({ item_id: id, reason }, 'download stopped');
      // remove() or cancel() settles a cancel; a shutdown leaves the item to the start-up recovery.
      if (reason === 'cancel') return;
      const status: DownloadStatus = reason === 'pause' || reason === 'queue-pause' ? 'paused' : 'pending';
      await items.update(id, { status, speed: 0, eta: null, attempts: attempts - 1 }, ['downloading']);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const kind = error instanceof DownloadFailure ? error.kind : 'transient';
    if (kind === 'unwell' || kind === 'disk-full') {
      // Not this episode's fault: the queue holds, the item waits in line and keeps its attempts.
      const progress = active.progress;
      const remainingBytes = progress?.total ? Math.max(0, progress.total - progress.bytes) : 0;
      const wait = await this.#deps.gate.hold(kind === 'disk-full' ? 'disk_full' : 'provider', { id, remainingBytes }, message);
      if ((await items.update(id, { status: 'pending', lastError: wait.message, speed: 0, eta: null, attempts: attempts - 1 }, ['downloading'])) === 0) return;
      logger.info({ item_id: id, reason: message, retry_at: wait.retryAt.toISOString() }, 'download waits for the provider or for disk space');
      await this.#deps.jobs.append([item], wait.retryAt);
      return;
    }
    const maxAttempts = this.#deps.settings.current().downloads.max_attempts;
    if (kind === 'permanent' || attempts >= maxAttempts) {
      const reason = kind === 'transient' ? `${message} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})` : message;
      await items.update(id, { status: 'failed', lastError: reason, speed: 0, eta: null }, ['downloading']);
      this.#deps.events.publish('download_failed', { ...itemEventBase(item), error: reason, attempts, serie_name: item.seriesName });
      logger.warn({ item_id: id, key: item.seriesKey, episode: episodeLabel(item.season, item.episode), attempts, reason }, 'download failed');
      return;
    }
    const delay = this.#deps.backoffMs(attempts);
    if ((await items.update(id, { status: 'pending', lastError: message, speed: 0, eta: null }, ['downloading'])) === 0) return;
    logger.info({ item_id: id, attempts, retry_in_ms: delay, reason: message }, 'download attempt failed; retrying later');
    // The retry is the item's job again, due later (stored once this run's job has ended).
    await this.#deps.jobs.append([item], new Date(Date.now() + delay));
  }
}

/**
 * Speed and time left from the bytes seen over the last seconds, re-read every heartbeat: a
 * transfer held up (a speed limit, a provider that stopped sending) shows its speed falling to 0
 * and no time left, instead of the last figure it reported.
 */
class LiveProgress {
  #meter: ProgressMeter | undefined;
  readonly #emit: (progress: TransferProgress) => void;

  constructor(emit: (progress: TransferProgress) => void) {
    this.#emit = emit;
  }

  update(progress: TransferProgress): void {
    this.#meter ??= new ProgressMeter({ emit: this.#emit, startBytes: progress.bytes, total: progress.total, intervalMs: 0 });
    const meter = this.#meter;
    meter.setTotal(progress.total);
    meter.setFraction(progress.percent / 100);
    if (progress.bytes < meter.bytes) meter.reset(progress.bytes);
    meter.add(progress.bytes - meter.bytes);
  }

  tick(): void {
    this.#meter?.add(0);
  }
}
