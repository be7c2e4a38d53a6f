import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import { inContext } from '../../db/context.ts';
import type { EventBus } from '../../events/bus.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Clock } from '../../adapters/clock.ts';
import type { Settings } from '../../../config/schema.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { isAbort } from '../../downloads/errors.ts';
import { partFilesFor } from '../../downloads/transfer.ts';
import type { TokenBucket } from '../../downloads/token-bucket.ts';
import type { TransferProgress } from '../../downloads/progress.ts';
import { Series } from '../series/series.entity.ts';
import { DownloadItem, type DownloadStatus, type IDownloadItem } from './download-item.entity.ts';
import { DownloadFailure, episodeLabel, type EpisodeDownloader } from './episode-downloader.ts';
import { downloadItemView, type DownloadItemView } from './queue.view.ts';
import { priorityValue, type AddInput, type AddMissingInput } from './queue.schema.ts';
import type { QueueState, QueueStateFile } from './queue-state.ts';

export interface QueueServiceDeps {
  readonly orm: Orm;
  readonly events: EventBus;
  readonly settings: { current(): Readonly<Settings>; subscribe(listener: (next: Readonly<Settings>) => void): () => void };
  readonly logger: Logger;
  readonly clock: Clock;
  readonly downloader: Pick<EpisodeDownloader, 'download'>;
  readonly library: { missingEpisodes(key: string): Promise<readonly { season: number; episode: number }[]> };
  readonly state: QueueStateFile;
  readonly bucket: TokenBucket;
  /** Delay before attempt n+1 after a transient failure of attempt n (default 1 s, 2 s, 4 s ... up to 5 min). */
  readonly backoffMs?: (attempt: number) => number;
  /**
   * ANIWORLD_ROLE. 'all' (default): this process decides and runs. Scale-out shares the queue:
   * 'api' hands every pending item to the job store, 'worker' only runs the jobs it locks.
   */
  readonly role?: 'all' | 'api' | 'worker';
}

/** Why a running transfer was stopped: decides the status it lands in. */
type StopReason = 'pause' | 'queue-pause' | 'stop' | 'cancel' | 'shutdown';

interface ActiveTransfer {
  readonly controller: AbortController;
  reason: StopReason | undefined;
  progress: TransferProgress | undefined;
  finished: Promise<void>;
}

const OPEN_STATUSES: DownloadStatus[] = ['pending', 'downloading', 'paused'];
/** Shared queue: how often a worker writes progress and checks whether its item was paused or removed elsewhere. */
const HEARTBEAT_MS = 1000;
/** Shared queue: how often the API process looks for pending items without a job (a retry, a stopped worker). */
const SWEEP_MS = 10_000;
const MB = 1024 * 1024;
/** Finished items listed by /status (the counts in `statistics` cover all of them). */
const HISTORY_LIMIT = 200;

/**
 * The download queue. The database is the queue (pending items by priority, then position); this
 * service decides what runs, hands each started item to the job runner as a `download-episode`
 * job carrying only its id, and records every transition. Concurrency and the speed limit follow
 * the settings live. Items that were downloading when the process died go back in line at start
 * and resume from their `.part`.
 */
export class QueueService {
  readonly #deps: QueueServiceDeps;
  readonly #logger: Logger;
  readonly #active = new Map<string, ActiveTransfer>();
  /** Started items whose job has not begun yet. */
  readonly #dispatched = new Set<string>();
  /** Items waiting out a retry backoff: earliest start (ms since epoch). */
  readonly #notBefore = new Map<string, number>();
  #jobs: JobQueue | undefined;
  #state: QueueState = { running: false, paused: false, pausedItems: [] };
  /** Bumped by every local change of #state, so that a re-read of the file never overwrites a newer one. */
  #stateVersion = 0;
  #pumping: Promise<void> = Promise.resolve();
  #retryTimer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #closed = false;

  constructor(deps: QueueServiceDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'queue' });
  }

  get #em(): EntityManager {
    return this.#deps.orm.em as EntityManager;
  }

  get #role(): 'all' | 'api' | 'worker' {
    return this.#deps.role ?? 'all';
  }

  /** Items run as jobs once the runner exists (it is built after the services); before that, in-process. */
  useJobQueue(jobs: JobQueue): void {
    this.#jobs = jobs;
  }

  /** Loads the persisted state, puts interrupted items back in line and starts what may start. */
  async init(): Promise<void> {
    this.#state = await this.#deps.state.load();
    const settings = this.#deps.settings;
    this.#deps.bucket.setRate(settings.current().downloads.speed_limit_bytes_per_second);
    this.#unsubscribe = settings.subscribe((next) => {
      this.#deps.bucket.setRate(next.downloads.speed_limit_bytes_per_second);
      this.#pump();
    });
    // In a shared queue a downloading item may be running on another worker: a worker that died
    // loses its job lock and another one resumes the item, so nothing is reset here.
    if (this.#role === 'all') await inContext(this.#deps.orm, async () => {
      const interrupted = await this.#em.find(DownloadItem, { status: 'downloading' });
      for (const item of interrupted) {
        await this.#jobs?.cancel('download-episode', { itemId: item.id }).catch(() => 0);
      }
      if (interrupted.length > 0) {
        await this.#em.nativeUpdate(DownloadItem, { status: 'downloading' }, { status: 'pending', speed: 0, eta: null, updatedAt: this.#now() });
        this.#logger.info({ items: interrupted.map((item) => item.id) }, 'downloads interrupted by a restart go back in line; they resume from their .part');
      }
    });
    // Items can arrive from another process (the `aniworld queue add` command, an API process of a
    // shared queue): a cheap periodic look picks them up without waiting for a local event.
    if (this.#role !== 'worker') {
      this.#sweepTimer = setInterval(() => this.#pump(), SWEEP_MS);
      this.#sweepTimer.unref();
    }
    this.#pump();
  }

  /** Stops transfers (their .part stays; they resume after the next start) and stops scheduling. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    clearTimeout(this.#retryTimer);
    clearInterval(this.#sweepTimer);
    await this.#interruptAll('shutdown');
    await this.#pumping;
  }

  // --- reading ---

  async status() {
    await this.#refreshState();
    const items = await this.#em.find(DownloadItem, {}, { orderBy: { priority: 'desc', position: 'asc' } });
    const view = (item: IDownloadItem) => downloadItemView(item, this.#active.get(item.id)?.progress);
    const byStatus = (status: DownloadStatus) => items.filter((item) => item.status === status);
    const newestFirst = (list: IDownloadItem[]) => [...list].sort((a, b) => time(b.completedAt ?? b.updatedAt) - time(a.completedAt ?? a.updatedAt));
    const active = byStatus('downloading').map(view);
    const completed = byStatus('completed');
    return {
      is_running: this.#state.running,
      is_paused: this.#state.paused,
      active_downloads: active,
      pending_queue: items.filter((item) => item.status === 'pending' || item.status === 'paused').map(view),
      completed_downloads: newestFirst(completed).slice(0, HISTORY_LIMIT).map(view),
      failed_downloads: newestFirst(items.filter((item) => item.status === 'failed' || item.status === 'cancelled')).slice(0, HISTORY_LIMIT).map(view),
      statistics: {
        total_items: items.length,
        pending_count: byStatus('pending').length,
        paused_count: byStatus('paused').length,
        active_count: active.length,
        completed_count: completed.length,
        failed_count: byStatus('failed').length,
        total_downloaded_mb: Math.round(completed.reduce((sum, item) => sum + Number(item.totalBytes ?? item.downloadedBytes), 0) / MB * 100) / 100,
        current_speed_mbps: Math.round(active.reduce((sum, item) => sum + item.progress.speed_bytes_per_second, 0) / MB * 100) / 100,
        concurrency: this.#deps.settings.current().downloads.concurrency,
        speed_limit_bytes_per_second: this.#deps.settings.current().downloads.speed_limit_bytes_per_second,
      },
    };
  }

  async item(id: string): Promise<DownloadItemView> {
    return downloadItemView(await this.#get(id), this.#active.get(id)?.progress);
  }

  // --- adding ---

  /** Queues episodes of a library series; an episode already open in the same language is skipped and reported. */
  async add(input: AddInput) {
    const series = await this.#em.findOne(Series, { key: input.serie_id });
    if (!series) throw new NotFoundError(`No series with key "${input.serie_id}" in the library; add it first`);
    const language = input.language ?? null;
    const open = await this.#em.find(DownloadItem, { seriesKey: series.key, status: { $in: OPEN_STATUSES } });
    const taken = new Set(open.filter((item) => (item.language ?? null) === language).map((item) => `${item.season}:${item.episode}`));
    const priority = priorityValue(input.priority ?? 0);
    const added: IDownloadItem[] = [];
    const skipped: { season: number; episode: number; reason: string }[] = [];
    const base = this.#now().getTime();
    for (const { season, episode } of input.episodes) {
      const slot = `${season}:${episode}`;
      if (taken.has(slot)) {
        skipped.push({ season, episode, reason: 'already in the queue' });
        continue;
      }
      taken.add(slot);
      added.push(this.#em.create(DownloadItem, {
        id: randomUUID(), seriesKey: series.key, seriesFolder: series.folder, seriesName: series.name, season, episode, language,
        status: 'pending', priority, position: base + added.length / 1000, progress: 0, downloadedBytes: 0, speed: 0, attempts: 0,
      }));
    }
    await this.#em.flush();
    for (const item of added) this.#deps.events.publish('download_added', { ...this.#eventBase(item), serie_name: item.seriesName, priority: item.priority, language: item.language ?? null });
    if (added.length > 0) this.#publishStatus();
    this.#pump();
    return {
      status: 'ok',
      message: `Queued ${added.length} episode${added.length === 1 ? '' : 's'}${skipped.length ? `, skipped ${skipped.length} already queued` : ''}`,
      added_items: added.map((item) => item.id),
      item_ids: added.map((item) => item.id),
      skipped,
    };
  }

  /** Queues every missing episode of a series (optionally only some seasons). */
  async addMissing(input: AddMissingInput) {
    const series = await this.#em.findOne(Series, { key: input.key });
    if (!series) throw new NotFoundError(`No series with key "${input.key}" in the library`);
    const missing = (await this.#deps.library.missingEpisodes(series.key)).filter((entry) => !input.seasons || input.seasons.includes(entry.season));
    if (missing.length === 0) return { status: 'ok', message: 'Nothing is missing', added_items: [], item_ids: [], skipped: [] };
    return this.add({ serie_id: series.key, episodes: missing.map(({ season, episode }) => ({ season, episode })), priority: input.priority ?? 0, language: input.language ?? null });
  }

  /**
   * For the scheduled rescan: queues the missing episodes of one series, or of every monitored
   * series when no key is given. Runs in its own EntityManager context.
   */
  async queueMissing(key?: string): Promise<{ queued: number }> {
    return inContext(this.#deps.orm, async () => {
      const keys = key ? [key] : (await this.#em.find(Series, { monitored: true }, { fields: ['key'] })).map((series) => series.key);
      let queued = 0;
      for (const seriesKey of keys) {
        const result = await this.addMissing({ key: seriesKey, priority: 0, language: null });
        queued += result.added_items.length;
      }
      return { queued };
    });
  }

  // --- one item ---

  /** Cancels a running transfer and removes the item; its .part files are deleted (a removed item never resumes). */
  async remove(id: string): Promise<{ id: string; removed: boolean }> {
    const item = await this.#get(id);
    await this.#interrupt(id, 'cancel');
    this.#dispatched.delete(id);
    this.#notBefore.delete(id);
    await this.#jobs?.cancel('download-episode', { itemId: id }).catch(() => 0);
    await this.#em.nativeDelete(DownloadItem, { id });
    if (item.status !== 'completed' && item.filePath) {
      await Promise.all(partFilesFor(item.filePath).map((file) => unlink(file).catch(() => {})));
    }
    await this.#forgetPaused([id]);
    this.#deps.events.publish('download_removed', { item_id: id, key: item.seriesKey, folder: item.seriesFolder, season: item.season, episode: item.episode });
    this.#publishStatus();
    this.#pump();
    return { id, removed: true };
  }

  /**
   * Stops the item for good but keeps it, and its .part files, in the history as `cancelled`:
   * retry resumes it where it stopped. (Removing it is DELETE, which also deletes the .part.)
   */
  async cancelItem(id: string): Promise<DownloadItemView> {
    const item = await this.#get(id);
    if (item.status === 'completed') throw new ConflictError('This download has already completed; remove it from the history instead');
    if (item.status === 'failed' || item.status === 'cancelled') return this.item(id);
    await this.#interrupt(id, 'cancel');
    this.#dispatched.delete(id);
    this.#notBefore.delete(id);
    await this.#withdrawJob(id, item.status);
    // On a worker of a shared queue, its heartbeat sees the new status and stops the transfer.
    await this.#transition(id, ['pending', 'downloading', 'paused'], { status: 'cancelled', lastError: 'Cancelled', speed: 0, eta: null });
    await this.#forgetPaused([id]);
    this.#logger.info({ item_id: id, key: item.seriesKey, episode: episodeLabel(item.season, item.episode) }, 'download cancelled; its .part stays for a retry');
    this.#publishStatus();
    this.#pump();
    return this.item(id);
  }

  async pauseItem(id: string): Promise<DownloadItemView> {
    const item = await this.#get(id);
    if (item.status === 'downloading') {
      await this.#interrupt(id, 'pause');
      this.#dispatched.delete(id);
      await this.#withdrawJob(id, item.status);
    }
    await this.#transition(id, ['pending', 'downloading'], { status: 'paused', speed: 0, eta: null });
    this.#publishStatus();
    this.#pump();
    return this.item(id);
  }

  async resumeItem(id: string): Promise<DownloadItemView> {
    await this.#get(id);
    await this.#transition(id, ['paused'], { status: 'pending' });
    await this.#forgetPaused([id]);
    this.#publishStatus();
    this.#pump();
    return this.item(id);
  }

  /** Failed (or all given) items go back in line with a fresh attempt count. */
  async retry(ids?: readonly string[]): Promise<{ retried: string[] }> {
    const filter = ids ? { id: { $in: [...ids] }, status: { $in: ['failed', 'cancelled'] as DownloadStatus[] } } : { status: { $in: ['failed', 'cancelled'] as DownloadStatus[] } };
    const items = await this.#em.find(DownloadItem, filter);
    if (items.length > 0) {
      await this.#em.nativeUpdate(DownloadItem, { id: { $in: items.map((item) => item.id) } }, { status: 'pending', attempts: 0, lastError: null, updatedAt: this.#now() });
      for (const item of items) this.#notBefore.delete(item.id);
      this.#publishStatus();
      this.#pump();
    }
    return { retried: items.map((item) => item.id) };
  }

  async clearCompleted(): Promise<{ removed: number }> {
    const removed = await this.#em.nativeDelete(DownloadItem, { status: 'completed' });
    if (removed > 0) this.#publishStatus();
    return { removed };
  }

  /** Puts the listed items first among their priority, in the given order. */
  async reorder(ids: readonly string[]): Promise<{ order: string[] }> {
    const items = await this.#em.find(DownloadItem, { id: { $in: [...ids] } });
    const known = new Set(items.map((item) => item.id));
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0) throw new NotFoundError(`No queue item ${missing.join(', ')}`);
    const [first] = await this.#em.find(DownloadItem, {}, { orderBy: { position: 'asc' }, limit: 1 });
    const start = Number(first?.position ?? 0) - ids.length - 1;
    for (const [index, id] of ids.entries()) await this.#em.nativeUpdate(DownloadItem, { id }, { position: start + index, updatedAt: this.#now() });
    this.#publishStatus();
    this.#pump();
    return { order: [...ids] };
  }

  async setPriority(id: string, priority: number): Promise<DownloadItemView> {
    await this.#get(id);
    await this.#em.nativeUpdate(DownloadItem, { id }, { priority, updatedAt: this.#now() });
    this.#publishStatus();
    this.#pump();
    return this.item(id);
  }

  // --- the whole queue ---

  async start() {
    await this.#refreshState();
    const resumed = this.#state.pausedItems;
    await this.#setState({ running: true, paused: false, pausedItems: [] });
    if (resumed.length > 0) await this.#em.nativeUpdate(DownloadItem, { id: { $in: [...resumed] }, status: 'paused' }, { status: 'pending', updatedAt: this.#now() });
    this.#deps.events.publish('queue_started', this.#stateEvent());
    this.#publishStatus();
    this.#pump();
    return this.#stateEvent();
  }

  /** Running transfers stop and go back in line (their .part stays); nothing new starts. */
  async stop() {
    await this.#refreshState();
    await this.#setState({ ...this.#state, running: false });
    await this.#interruptAll('stop');
    if (this.#role === 'api') await this.#haltWorkers('pending');
    this.#deps.events.publish('queue_stopped', this.#stateEvent());
    this.#publishStatus();
    return this.#stateEvent();
  }

  /** Running transfers pause (their .part stays); resume continues them. */
  async pause() {
    await this.#refreshState();
    const onWorkers = this.#role === 'api' ? (await this.#em.find(DownloadItem, { status: 'downloading' }, { fields: ['id'] })).map((item) => item.id) : [];
    const running = [...this.#active.keys(), ...this.#dispatched, ...onWorkers];
    await this.#setState({ ...this.#state, paused: true, pausedItems: [...new Set([...this.#state.pausedItems, ...running])] });
    await this.#interruptAll('queue-pause');
    if (this.#role === 'api') await this.#haltWorkers('paused');
    this.#deps.events.publish('queue_paused', this.#stateEvent());
    this.#publishStatus();
    return this.#stateEvent();
  }

  async resume() {
    await this.#refreshState();
    const resumed = this.#state.pausedItems;
    await this.#setState({ ...this.#state, paused: false, pausedItems: [] });
    if (resumed.length > 0) await this.#em.nativeUpdate(DownloadItem, { id: { $in: [...resumed] }, status: 'paused' }, { status: 'pending', updatedAt: this.#now() });
    this.#deps.events.publish('queue_resumed', this.#stateEvent());
    this.#publishStatus();
    this.#pump();
    return this.#stateEvent();
  }

  // --- running one item (called by the download-episode job) ---

  /**
   * Runs one attempt of a started item. Returns when the item completed, failed, went back in line
   * for a retry, or was paused, stopped or cancelled. `signal` is the job runner's (shutdown).
   */
  async runItem(id: string, signal?: AbortSignal): Promise<void> {
    this.#dispatched.delete(id);
    if (this.#active.has(id) || this.#closed) return;
    const item = await this.#em.findOne(DownloadItem, { id });
    // A job for an item that was paused, removed or already finished meanwhile has nothing to do.
    if (!item || !(await this.#claim(item))) {
      this.#pump();
      return;
    }
    const controller = new AbortController();
    let finish!: () => void;
    const active: ActiveTransfer = { controller, reason: undefined, progress: undefined, finished: new Promise((resolve) => { finish = resolve; }) };
    this.#active.set(id, active);
    const onJobAbort = () => { active.reason ??= 'shutdown'; controller.abort(signal?.reason); };
    signal?.addEventListener('abort', onJobAbort, { once: true });
    const heartbeat = this.#role === 'all' ? undefined : setInterval(() => { this.#heartbeat(id, active).catch(() => {}); }, HEARTBEAT_MS);
    const attempts = Number(item.attempts) + 1;
    await this.#update(id, { attempts, startedAt: item.startedAt ?? this.#now() });
    try {
      const outcome = await this.#deps.downloader.download(
        { key: item.seriesKey, season: item.season, episode: item.episode, language: item.language ?? null, previous: { hoster: item.hoster ?? null, language: item.languageUsed ?? null, target: item.filePath ?? null } },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            active.progress = progress;
            this.#deps.events.publish('download_progress', {
              ...this.#eventBase(item), progress: progress.percent, downloaded_bytes: progress.bytes, total_bytes: progress.total, speed: progress.speed, eta: progress.etaSeconds,
              percent: progress.percent, downloaded_mb: Math.round(progress.bytes / MB * 100) / 100, speed_mbps: Math.round(progress.speed / MB * 100) / 100, eta_seconds: progress.etaSeconds,
            });
          },
          onSource: async ({ hoster, language, target }) => {
            item.hoster = hoster;
            item.languageUsed = language;
            item.filePath = target;
            await this.#update(id, { hoster, languageUsed: language, filePath: target });
          },
        },
      );
      await this.#update(id, {
        status: 'completed', progress: 100, downloadedBytes: outcome.size, totalBytes: outcome.size, speed: 0, eta: null, lastError: null,
        hoster: outcome.hoster, languageUsed: outcome.language, filePath: outcome.path, completedAt: this.#now(),
      });
      this.#deps.events.publish('download_complete', { ...this.#eventBase(item), file_path: outcome.path, size: outcome.size, hoster: outcome.hoster, language: outcome.language, serie_name: item.seriesName });
      this.#logger.info({ item_id: id, key: item.seriesKey, episode: episodeLabel(item.season, item.episode), hoster: outcome.hoster, bytes: outcome.size, resumed_from: outcome.resumedFrom }, 'download complete');
    } catch (error) {
      await this.#settleFailure(item, attempts, active, error);
    } finally {
      clearInterval(heartbeat);
      signal?.removeEventListener('abort', onJobAbort);
      const progress = active.progress;
      if (progress) await this.#update(id, { downloadedBytes: progress.bytes, totalBytes: progress.total, progress: progress.percent }, ['pending', 'paused', 'downloading', 'failed']).catch(() => {});
      this.#active.delete(id);
      finish();
      this.#publishStatus();
      this.#pump();
      if (this.#role !== 'all' && active.controller.signal.aborted) await this.#handBackIfPending(id).catch((error) => this.#logger.warn({ err: error, item_id: id }, 'could not hand a stopped download over again'));
    }
  }

  /**
   * Shared queue, on a worker whose transfer was stopped (a change made through the API, or a
   * shutdown): if the item is back in line by now (a retry, resume or start while the transfer was
   * winding down), its job has to exist again once this one ends; the runner stores it then.
   */
  async #handBackIfPending(id: string): Promise<void> {
    const current = await inContext(this.#deps.orm, () => this.#em.findOne(DownloadItem, { id }, { refresh: true, fields: ['id', 'status', 'priority'] }));
    if (current?.status !== 'pending' || !this.#jobs) return;
    await this.#jobs.enqueue('download-episode', { itemId: id }, { uniqueKey: `download:${id}`, priority: current.priority });
  }

  async #settleFailure(item: IDownloadItem, attempts: number, active: ActiveTransfer, error: unknown): Promise<void> {
    const id = item.id;
    if (active.controller.signal.aborted || isAbort(error)) {
      const reason = active.reason ?? 'shutdown';
      this.#logger.info({ item_id: id, reason }, 'download stopped');
      // remove() or cancelItem() settles a cancel; a shutdown leaves the item to the start-up recovery.
      if (reason === 'cancel') return;
      const status: DownloadStatus = reason === 'pause' || reason === 'queue-pause' ? 'paused' : 'pending';
      await this.#update(id, { status, speed: 0, eta: null, attempts: attempts - 1 }, ['downloading']);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const kind = error instanceof DownloadFailure ? error.kind : 'transient';
    const maxAttempts = this.#deps.settings.current().downloads.max_attempts;
    if (kind === 'permanent' || attempts >= maxAttempts) {
      const reason = kind === 'transient' ? `${message} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})` : message;
      await this.#update(id, { status: 'failed', lastError: reason, speed: 0, eta: null }, ['downloading']);
      this.#deps.events.publish('download_failed', { ...this.#eventBase(item), error: reason, attempts, serie_name: item.seriesName });
      this.#logger.warn({ item_id: id, key: item.seriesKey, episode: episodeLabel(item.season, item.episode), attempts, reason }, 'download failed');
      return;
    }
    const delay = (this.#deps.backoffMs ?? defaultBackoff)(attempts);
    this.#notBefore.set(id, Date.now() + delay);
    await this.#update(id, { status: 'pending', lastError: message, speed: 0, eta: null }, ['downloading']);
    this.#logger.info({ item_id: id, attempts, retry_in_ms: delay, reason: message }, 'download attempt failed; retrying later');
    // Shared queue: the retry is a job of its own (this attempt's job is removed when it returns).
    if (this.#role !== 'all' && this.#jobs) {
      this.#notBefore.delete(id);
      await this.#jobs.enqueue('download-episode', { itemId: id }, { uniqueKey: `download:${id}:${attempts}`, priority: item.priority, runAt: new Date(Date.now() + delay) });
      return;
    }
    this.#scheduleRetryWake();
  }

  // --- scheduling ---

  #pump(): void {
    // A worker of a shared queue only runs what the API process handed to the job store.
    if (this.#closed || this.#role === 'worker') return;
    this.#pumping = this.#pumping.then(() => inContext(this.#deps.orm, () => this.#pumpOnce())).catch((error) => {
      this.#logger.error({ err: error }, 'queue scheduling failed');
    });
  }

  async #pumpOnce(): Promise<void> {
    await this.#refreshState();
    if (this.#closed || !this.#state.running || this.#state.paused) return;
    if (this.#role === 'api') return this.#handOver();
    const concurrency = this.#deps.settings.current().downloads.concurrency;
    let free = concurrency - this.#active.size - this.#dispatched.size;
    if (free <= 0) return;
    const now = Date.now();
    const waiting = await this.#em.find(DownloadItem, { status: 'pending' }, { orderBy: { priority: 'desc', position: 'asc' }, limit: free + this.#notBefore.size });
    for (const item of waiting) {
      if (free <= 0) break;
      if ((this.#notBefore.get(item.id) ?? 0) > now || this.#active.has(item.id) || this.#dispatched.has(item.id)) continue;
      // Claim it: only a row that is still pending becomes downloading.
      const claimed = await this.#em.nativeUpdate(DownloadItem, { id: item.id, status: 'pending' }, { status: 'downloading', speed: 0, updatedAt: this.#now() });
      if (claimed === 0) continue;
      this.#notBefore.delete(item.id);
      free--;
      this.#dispatched.add(item.id);
      await this.#dispatch(item);
    }
  }

  async #dispatch(item: IDownloadItem): Promise<void> {
    if (this.#jobs) {
      try {
        await this.#jobs.enqueue('download-episode', { itemId: item.id }, { uniqueKey: `download:${item.id}`, priority: item.priority });
        return;
      } catch (error) {
        this.#logger.error({ err: error, item_id: item.id }, 'could not hand the download to the job runner; running it here');
      }
    }
    void inContext(this.#deps.orm, () => this.runItem(item.id)).catch((error) => this.#logger.error({ err: error, item_id: item.id }, 'download run failed'));
  }

  /**
   * Shared queue (ANIWORLD_ROLE=api): every pending item without a job gets one, in priority order;
   * each worker's job concurrency (downloads.concurrency) decides how many run there, and Agenda's
   * lock makes sure one worker runs each. The worker claims the item when its job starts.
   */
  async #handOver(): Promise<void> {
    if (!this.#jobs) return;
    const waiting = await this.#em.find(DownloadItem, { status: 'pending' }, { orderBy: { priority: 'desc', position: 'asc' } });
    if (waiting.length === 0) return;
    const queued = new Set((await this.#jobs.list('download-episode')).map((job) => String((job.payload as { itemId?: unknown }).itemId)));
    for (const item of waiting) {
      if (queued.has(item.id)) continue;
      await this.#jobs.enqueue('download-episode', { itemId: item.id }, { uniqueKey: `download:${item.id}`, priority: item.priority });
    }
  }

  /** Whether this process may run the item now: a shared queue claims it in the database first. */
  async #claim(item: IDownloadItem): Promise<boolean> {
    if (this.#role === 'all') return item.status === 'downloading';
    // A job handed over just before the queue was stopped or paused (through any API process) is
    // dropped here; the item stays in line and is handed over again when the queue runs.
    await this.#refreshState();
    if (!this.#state.running || this.#state.paused) return false;
    // 'downloading' too: the job of a worker that died comes back here once its lock expired.
    const claimed = await this.#update(item.id, { status: 'downloading', speed: 0 }, ['pending', 'downloading']);
    if (claimed > 0) item.status = 'downloading';
    return claimed > 0;
  }

  /**
   * Shared queue, on the worker: writes the progress for the API processes (their /status) and
   * notices a pause, stop or removal made there, which stops the transfer (the .part stays).
   */
  async #heartbeat(id: string, active: ActiveTransfer): Promise<void> {
    if (active.controller.signal.aborted) return;
    const progress = active.progress;
    const fields: Partial<IDownloadItem> = progress ? { downloadedBytes: progress.bytes, totalBytes: progress.total, progress: progress.percent, speed: progress.speed, eta: progress.etaSeconds } : {};
    if ((await this.#update(id, fields, ['downloading'])) > 0 || active.controller.signal.aborted) return;
    const current = await inContext(this.#deps.orm, () => this.#em.findOne(DownloadItem, { id }, { refresh: true }));
    active.reason ??= !current ? 'cancel' : current.status === 'paused' ? 'pause' : 'stop';
    active.controller.abort(new DOMException(`Download ${active.reason}`, 'AbortError'));
  }

  /**
   * Shared queue, on the API process: withdraws the waiting jobs and moves the items running on
   * workers to `status`; each worker's heartbeat sees that and stops its transfer.
   */
  async #haltWorkers(status: 'pending' | 'paused'): Promise<void> {
    await inContext(this.#deps.orm, async () => {
      const open = await this.#em.find(DownloadItem, { status: { $in: ['pending', 'downloading'] } }, { fields: ['id', 'status'] });
      for (const item of open) await this.#withdrawJob(item.id, item.status);
      await this.#em.nativeUpdate(DownloadItem, { status: 'downloading' }, { status, speed: 0, eta: null, updatedAt: this.#now() });
    });
  }

  /**
   * Withdraws the item's job. On the API process of a shared queue a job already running on a
   * worker stays: that worker stops at its next heartbeat and ends the job, and until then the
   * stored, locked job keeps a retry or resume from starting a second transfer into the same .part
   * (the worker hands the item over again itself when it stops; see runItem).
   */
  async #withdrawJob(id: string, status: DownloadStatus): Promise<void> {
    if (this.#role === 'api' && status === 'downloading') return;
    await this.#jobs?.cancel('download-episode', { itemId: id }).catch(() => 0);
  }

  #scheduleRetryWake(): void {
    clearTimeout(this.#retryTimer);
    if (this.#notBefore.size === 0 || this.#closed) return;
    const next = Math.min(...this.#notBefore.values());
    this.#retryTimer = setTimeout(() => this.#pump(), Math.max(10, next - Date.now() + 5));
    this.#retryTimer.unref();
  }

  async #interrupt(id: string, reason: StopReason): Promise<void> {
    const active = this.#active.get(id);
    if (!active) return;
    active.reason = reason;
    active.controller.abort(new DOMException(`Download ${reason}`, 'AbortError'));
    await active.finished;
  }

  /** Stops every running transfer and puts items that were started but not yet running back where `reason` says. */
  async #interruptAll(reason: StopReason): Promise<void> {
    const waiting = [...this.#dispatched];
    this.#dispatched.clear();
    await Promise.all([...this.#active.keys()].map((id) => this.#interrupt(id, reason)));
    if (waiting.length === 0) return;
    await inContext(this.#deps.orm, async () => {
      for (const id of waiting) await this.#jobs?.cancel('download-episode', { itemId: id }).catch(() => 0);
      const status: DownloadStatus = reason === 'queue-pause' ? 'paused' : 'pending';
      await this.#em.nativeUpdate(DownloadItem, { id: { $in: waiting }, status: 'downloading' }, { status, updatedAt: this.#now() });
    });
  }

  // --- helpers ---

  async #get(id: string): Promise<IDownloadItem> {
    const item = await this.#em.findOne(DownloadItem, { id }, { refresh: true });
    if (!item) throw new NotFoundError(`No queue item "${id}"`);
    return item;
  }

  async #update(id: string, fields: Partial<IDownloadItem>, onlyIf?: DownloadStatus[]): Promise<number> {
    return inContext(this.#deps.orm, () => this.#em.nativeUpdate(DownloadItem, onlyIf ? { id, status: { $in: onlyIf } } : { id }, { ...fields, updatedAt: this.#now() }));
  }

  async #transition(id: string, from: DownloadStatus[], fields: Partial<IDownloadItem>): Promise<void> {
    await this.#update(id, fields, from);
  }

  async #setState(next: QueueState): Promise<void> {
    this.#stateVersion++;
    this.#state = next;
    await this.#deps.state.save(next);
  }

  /**
   * Shared queue: every API process and worker reads the state from the one file on the shared
   * config volume, so a stop or pause made through one API process holds in all of them.
   */
  async #refreshState(): Promise<void> {
    if (this.#role === 'all') return;
    const version = this.#stateVersion;
    const stored = await this.#deps.state.load();
    if (version === this.#stateVersion) this.#state = stored;
  }

  async #forgetPaused(ids: string[]): Promise<void> {
    await this.#refreshState();
    if (!this.#state.pausedItems.some((id) => ids.includes(id))) return;
    await this.#setState({ ...this.#state, pausedItems: this.#state.pausedItems.filter((id) => !ids.includes(id)) });
  }

  #eventBase(item: IDownloadItem) {
    return { item_id: item.id, key: item.seriesKey, folder: item.seriesFolder, serie_id: item.seriesKey, serie_folder: item.seriesFolder, season: item.season, episode: item.episode };
  }

  #stateEvent() {
    return { is_running: this.#state.running, is_paused: this.#state.paused };
  }

  /** Sends WebSocket clients the queue state; they reload the rest (after events may have been missed). */
  announceStatus(): void {
    this.#publishStatus();
  }

  #publishStatus(): void {
    this.#deps.events.publish('queue_status', { ...this.#stateEvent(), active: this.#active.size + this.#dispatched.size });
  }

  #now(): Date {
    return this.#deps.clock.now();
  }
}

function defaultBackoff(attempt: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** (attempt - 1));
}

function time(value: Date | null | undefined): number {
  return value ? new Date(value).getTime() : 0;
}
