import type { Orm } from '../../db/orm.ts';
import type { DomainEventMap, EventBus } from '../../events/bus.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Clock } from '../../adapters/clock.ts';
import type { Settings } from '../../../config/schema.ts';
import type { JobQueue } from '../../job-queue.ts';
import type { TokenBucket } from '../../downloads/token-bucket.ts';
import { DownloadItem, type DownloadStatus, type IDownloadItem } from './download-item.entity.ts';
import type { EpisodeDownloader } from './episode-downloader.ts';
import { downloadItemView, type DownloadItemView } from './queue.view.ts';
import type { AddInput, AddMissingInput, AddUpgradesInput } from './queue.schema.ts';
import { QueueControl, type QueueStateFile } from './queue-state.ts';
import { DownloadItems } from './download-items.ts';
import { DownloadJobs } from './download-jobs.ts';
import { ItemRun } from './item-run.ts';
import { ItemCommands, type UpgradeLibrary } from './item-commands.ts';
import { QueueGate, type QueueHoldView } from './queue-gate.ts';
import type { ProbedProviderHealth } from '../../providers/provider-health.ts';
import type { DiskSpace } from '../../adapters/disk-space.ts';
import type { QueueStatus } from '../../../contract/index.ts';

export interface QueueServiceDeps {
  readonly orm: Orm;
  readonly events: EventBus;
  readonly settings: { current(): Readonly<Settings>; subscribe(listener: (next: Readonly<Settings>) => void): () => void };
  readonly logger: Logger;
  readonly clock: Clock;
  readonly downloader: Pick<EpisodeDownloader, 'download'>;
  /** The job runner's port: every pending item has its download-episode job there. */
  readonly jobs: JobQueue;
  readonly series: UpgradeLibrary;
  readonly state: QueueStateFile;
  readonly bucket: TokenBucket;
  /** Delay before attempt n+1 after a transient failure of attempt n (default 1 s, 2 s, 4 s ... up to 5 min). */
  readonly backoffMs?: (attempt: number) => number;
  /** Provider health: an unwell provider holds the queue; its probe tells when it is back. */
  readonly providerHealth: ProbedProviderHealth;
  /** The media root (a full disk there holds the queue until there is room again). */
  readonly mediaRoot: () => string;
  /** Free space of the media root's disk. */
  readonly disk: DiskSpace;
  /** Wait before look n at an unwell provider or a full disk (default 1 s, 2 s, 4 s ... up to 3 min). */
  readonly outageWaitMs?: (look: number) => number;
  /**
   * ANIWORLD_ROLE. Every role schedules through the job store; 'all' (default) runs the jobs in
   * this process, 'api' leaves them to 'worker' processes that share the store and the database.
   */
  readonly role?: 'all' | 'api' | 'worker';
}

/** How often a process that takes commands looks for pending items without a job (written by `aniworld queue add` before it had a job store, a job consumed while the queue was stopped). */
const SWEEP_MS = 10_000;
const MB = 1024 * 1024;
/** Room a full disk needs beyond what the held downloads still need before the queue goes on. */
const DISK_MARGIN_BYTES = 4 * MB;
/** Finished items listed by /status (the counts in `statistics` cover all of them). */
const HISTORY_LIMIT = 200;

/**
 * The download queue. The database holds the items; each pending one has a `download-episode`
 * job and Agenda decides when it starts (priority, concurrency, retry times). This service wires
 * the parts and holds the whole-queue commands: item commands (item-commands.ts), whether the
 * queue runs (queue-state.ts), the run of one item (item-run.ts), the jobs (download-jobs.ts).
 */
export class QueueService {
  readonly #deps: QueueServiceDeps;
  readonly #logger: Logger;
  readonly #items: DownloadItems;
  readonly #control: QueueControl;
  readonly #jobs: DownloadJobs;
  readonly #run: ItemRun;
  readonly #commands: ItemCommands;
  readonly #gate: QueueGate;
  #sweepTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopUpgrades: (() => void) | undefined;

  constructor(deps: QueueServiceDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'queue' });
    this.#items = new DownloadItems(deps.orm, deps.clock);
    this.#control = new QueueControl(deps.state, this.#role !== 'all');
    const open = async () => {
      await this.#control.refresh();
      return this.#control.open && this.#gate.open;
    };
    this.#jobs = new DownloadJobs({ jobs: deps.jobs, pending: () => this.#items.pending(), open, logger: this.#logger });
    const changed = () => this.#publishStatus();
    this.#gate = new QueueGate({
      items: this.#items,
      jobs: this.#jobs,
      control: this.#control,
      provider: deps.providerHealth,
      logger: this.#logger,
      changed,
      waitMs: deps.outageWaitMs ?? defaultOutageWait,
      diskHasRoom: async (needed) => (await deps.disk.freeBytes(deps.mediaRoot()).catch(() => 0)) >= needed + DISK_MARGIN_BYTES,
    });
    this.#run = new ItemRun({
      items: this.#items,
      jobs: this.#jobs,
      control: this.#control,
      gate: this.#gate,
      events: deps.events,
      settings: deps.settings,
      logger: this.#logger,
      downloader: deps.downloader,
      backoffMs: deps.backoffMs ?? defaultBackoff,
      changed,
    });
    this.#commands = new ItemCommands({
      items: this.#items,
      jobs: this.#jobs,
      run: this.#run,
      control: this.#control,
      events: deps.events,
      series: deps.series,
      changed,
    });
  }

  get #role(): 'all' | 'api' | 'worker' {
    return this.#deps.role ?? 'all';
  }

  /** Loads the persisted state, puts interrupted items back in line and gives every pending item its job. */
  async init(): Promise<void> {
    await this.#control.load();
    const settings = this.#deps.settings;
    this.#deps.bucket.setRate(settings.current().downloads.speed_limit_bytes_per_second);
    this.#unsubscribe = settings.subscribe((next) => this.#deps.bucket.setRate(next.downloads.speed_limit_bytes_per_second));
    // A refresh in this process found episodes offered in a new language: the upgrades among them
    // are queued here (an event of another process is that process's to handle).
    this.#stopUpgrades = this.#deps.events.subscribe(
      (event) => {
        if (event.type !== 'languages_offered') return;
        const data = event.data as DomainEventMap['languages_offered'];
        this.queueUpgrades(data.key, data.episodes).catch((error: unknown) =>
          this.#logger.warn({ err: error, key: data.key }, 'could not queue language upgrades after a refresh'),
        );
      },
      { localOnly: true },
    );
    // A worker only runs what the job store hands it.
    if (this.#role === 'worker') return;
    await this.#items.inContext(async () => {
      // One process: an item still `downloading` was interrupted by a crash (its job died with it).
      // In a shared queue it may be running on another worker: a worker that died loses its job
      // lock and another one resumes the item, so nothing is reset there.
      if (this.#role === 'all') {
        const interrupted = (await this.#items.em.find(DownloadItem, { status: 'downloading' }, { fields: ['id'] })).filter(
          (item) => !this.#run.isRunningHere(item.id),
        );
        for (const item of interrupted) {
          await this.#jobs.withdraw(item.id);
          await this.#items.update(item.id, { status: 'pending', speed: 0, eta: null }, ['downloading']);
        }
        if (interrupted.length > 0)
          this.#logger.info({ items: interrupted.map((item) => item.id) }, 'downloads interrupted by a restart go back in line; they resume from their .part');
      }
      // Stored jobs stay paused across restarts, jobs stored from now on must follow the state too.
      if (this.#control.open && this.#gate.open) await this.#jobs.resumeAll();
      else await this.#jobs.pauseAll();
      await this.#commands.resequence();
    });
    this.#sweepTimer = setInterval(() => {
      this.#items
        .inContext(async () => this.#jobs.ensure(await this.#items.pending()))
        .catch((error) => this.#logger.error({ err: error }, 'could not give pending downloads their jobs'));
    }, SWEEP_MS);
    this.#sweepTimer.unref();
  }

  /** Stops transfers (their .part stays; they resume after the next start). */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#stopUpgrades?.();
    clearInterval(this.#sweepTimer);
    this.#gate.close();
    await this.#run.close();
  }

  // --- reading ---

  async status(): Promise<QueueStatus> {
    const state = await this.#control.refresh();
    const items = await this.#items.em.find(DownloadItem, {}, { orderBy: { priority: 'desc', position: 'asc' } });
    const view = (item: IDownloadItem) => downloadItemView(item, this.#run.progressOf(item.id));
    const byStatus = (status: DownloadStatus) => items.filter((item) => item.status === status);
    const newestFirst = (list: IDownloadItem[]) => [...list].sort((a, b) => time(b.completedAt ?? b.updatedAt) - time(a.completedAt ?? a.updatedAt));
    const active = byStatus('downloading').map(view);
    const completed = byStatus('completed');
    const downloads = this.#deps.settings.current().downloads;
    return {
      is_running: state.running,
      is_paused: state.paused,
      /** Set while an outage holds the queue: the provider is unwell or the disk is full. */
      waiting: this.#gate.view(),
      active_downloads: active,
      pending_queue: items.filter((item) => item.status === 'pending' || item.status === 'paused').map(view),
      completed_downloads: newestFirst(completed).slice(0, HISTORY_LIMIT).map(view),
      failed_downloads: newestFirst(items.filter((item) => item.status === 'failed' || item.status === 'cancelled'))
        .slice(0, HISTORY_LIMIT)
        .map(view),
      statistics: {
        total_items: items.length,
        pending_count: byStatus('pending').length,
        paused_count: byStatus('paused').length,
        active_count: active.length,
        completed_count: completed.length,
        failed_count: byStatus('failed').length,
        total_downloaded_mb: Math.round((completed.reduce((sum, item) => sum + Number(item.totalBytes ?? item.downloadedBytes), 0) / MB) * 100) / 100,
        current_speed_mbps: Math.round((active.reduce((sum, item) => sum + item.progress.speed_bytes_per_second, 0) / MB) * 100) / 100,
        concurrency: downloads.concurrency,
        speed_limit_bytes_per_second: downloads.speed_limit_bytes_per_second,
      },
    };
  }

  async item(id: string): Promise<DownloadItemView> {
    return downloadItemView(await this.#items.get(id), this.#run.progressOf(id));
  }

  // --- items ---

  add(input: AddInput) {
    return this.#commands.add(input);
  }
  addMissing(input: AddMissingInput) {
    return this.#commands.addMissing(input);
  }
  queueMissing(key?: string) {
    return this.#commands.queueMissing(key);
  }
  addUpgrades(input: AddUpgradesInput) {
    return this.#commands.addUpgrades(input);
  }
  /** A refresh found languages newly offered for these episodes: queue the upgrades among them. */
  queueUpgrades(key: string, episodes: readonly { season: number; episode: number }[]) {
    return this.#commands.queueUpgrades(key, episodes);
  }
  remove(id: string) {
    return this.#commands.remove(id);
  }
  retry(ids?: readonly string[]) {
    return this.#commands.retry(ids);
  }
  clearCompleted() {
    return this.#commands.clearCompleted();
  }
  reorder(ids: readonly string[]) {
    return this.#commands.reorder(ids);
  }

  async cancelItem(id: string): Promise<DownloadItemView> {
    await this.#commands.cancel(id);
    return this.item(id);
  }

  async pauseItem(id: string): Promise<DownloadItemView> {
    await this.#commands.pause(id);
    return this.item(id);
  }

  async resumeItem(id: string): Promise<DownloadItemView> {
    await this.#commands.resume(id);
    return this.item(id);
  }

  async setPriority(id: string, priority: number): Promise<DownloadItemView> {
    await this.#commands.setPriority(id, priority);
    return this.item(id);
  }

  /** The download-episode job: one attempt of one item (see item-run.ts). */
  runItem(id: string, signal?: AbortSignal): Promise<void> {
    return this.#run.run(id, signal);
  }

  // --- the whole queue ---

  async start() {
    const { pausedItems } = await this.#control.refresh();
    await this.#control.set({ running: true, paused: false, pausedItems: [] });
    await this.#reopen(pausedItems);
    this.#deps.events.publish('queue_started', this.#control.view());
    this.#publishStatus();
    return this.#control.view();
  }

  /** Running transfers stop and go back in line (their .part stays); nothing new starts. */
  async stop() {
    const state = await this.#control.refresh();
    await this.#control.set({ ...state, running: false });
    await this.#halt('stop', 'pending');
    this.#deps.events.publish('queue_stopped', this.#control.view());
    this.#publishStatus();
    return this.#control.view();
  }

  /** Running transfers pause (their .part stays); resume continues them. */
  async pause() {
    const state = await this.#control.refresh();
    const running = (await this.#items.em.find(DownloadItem, { status: 'downloading' }, { fields: ['id'] })).map((item) => item.id);
    await this.#control.set({ ...state, paused: true, pausedItems: [...new Set([...state.pausedItems, ...running])] });
    await this.#halt('queue-pause', 'paused');
    this.#deps.events.publish('queue_paused', this.#control.view());
    this.#publishStatus();
    return this.#control.view();
  }

  async resume() {
    const state = await this.#control.refresh();
    await this.#control.set({ ...state, paused: false, pausedItems: [] });
    await this.#reopen(state.pausedItems);
    this.#deps.events.publish('queue_resumed', this.#control.view());
    this.#publishStatus();
    return this.#control.view();
  }

  /** For /api/health: `degraded` with the reason while an outage holds the queue. */
  health(): { status: 'ok' | 'degraded'; waiting: QueueHoldView | null } {
    const waiting = this.#gate.view();
    return { status: waiting ? 'degraded' : 'ok', waiting };
  }

  /** Sends WebSocket clients the queue state; they reload the rest (after events may have been missed). */
  announceStatus(): void {
    this.#publishStatus();
  }

  /**
   * No download job starts anywhere; transfers running here stop now, those on other workers at
   * their next heartbeat (they see the item moved to `to`).
   */
  async #halt(reason: 'stop' | 'queue-pause', to: 'pending' | 'paused'): Promise<void> {
    await this.#jobs.pauseAll();
    await this.#run.interruptAll(reason);
    await this.#items.moveAll('downloading', to, { speed: 0, eta: null });
  }

  /** Items the whole-queue pause stopped go back in line, and the jobs start again if the queue is open. */
  async #reopen(pausedItems: readonly string[]): Promise<void> {
    if (pausedItems.length > 0)
      await this.#items.em.nativeUpdate(DownloadItem, { id: { $in: [...pausedItems] }, status: 'paused' }, { status: 'pending', updatedAt: this.#items.now() });
    if (this.#control.open && this.#gate.open) await this.#jobs.resumeAll();
    await this.#commands.resequence();
  }

  #publishStatus(): void {
    this.#deps.events.publish('queue_status', { ...this.#control.view(), active: this.#run.activeCount, waiting: this.#gate.view() });
  }
}

function defaultBackoff(attempt: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** (attempt - 1));
}

function defaultOutageWait(look: number): number {
  return Math.min(3 * 60_000, 1000 * 2 ** (look - 1));
}

function time(value: Date | null | undefined): number {
  return value ? new Date(value).getTime() : 0;
}
