import type { Logger } from '../../adapters/logger.ts';
import type { JobQueue, JobSummary } from '../../job-queue.ts';
import type { IDownloadItem } from './download-item.entity.ts';

/**
 * Agenda picks the next due job by priority (then by insertion order on SQLite, by nothing in
 * particular on PostgreSQL). The queue's own order is the item priority, then its position. So a
 * job's priority is finer than the item's: each item priority owns a band of STEP values, and
 * within it the earlier item gets the higher value. Bands fit a 32-bit integer (PostgreSQL's column).
 */
const STEP = 10_000_000;
const HALF = STEP / 2;
const NAME = 'download-episode';

function bandOf(priority: number): { top: number; bottom: number } {
  return { top: priority * STEP + HALF - 1, bottom: priority * STEP - HALF + 1 };
}

type Queued = Pick<IDownloadItem, 'id' | 'priority'>;

export interface DownloadJobsDeps {
  /** The job runner's port. */
  readonly jobs: JobQueue;
  /** Every pending item in queue order (for renumbering a band). */
  readonly pending: () => Promise<readonly Queued[]>;
  /** Whether the queue runs now (read fresh): jobs stored while it does not are stored paused. */
  readonly open: () => Promise<boolean>;
  readonly logger: Logger;
}

/**
 * The download queue's side of the job store: each pending item has exactly one
 * `download-episode` job (unique per item, carrying only the id); Agenda decides when it starts
 * and how many run. This class keeps the jobs in step with the rows.
 */
export class DownloadJobs {
  readonly #jobs: JobQueue;
  readonly #pending: () => Promise<readonly Queued[]>;
  readonly #open: () => Promise<boolean>;
  readonly #logger: Logger;

  constructor(deps: DownloadJobsDeps) {
    this.#jobs = deps.jobs;
    this.#pending = deps.pending;
    this.#open = deps.open;
    this.#logger = deps.logger;
  }

  /**
   * Gives each of these pending items a job that starts after the pending items already stored
   * in its priority (items added, or handed back after they stopped). `runAt` delays it (a retry);
   * `onlyIf` is read when the job is stored (see EnqueueOptions.onlyIf).
   */
  async append(items: readonly Queued[], runAt?: Date, onlyIf?: () => Promise<boolean>): Promise<void> {
    const jobs = this.#jobs;
    if (items.length === 0) return;
    const stored = await this.#stored(jobs);
    const paused = !(await this.#open());
    const lowest = new Map<number, number>();
    for (const job of stored.values()) {
      const priority = Math.round(job.priority / STEP);
      lowest.set(priority, Math.min(lowest.get(priority) ?? Infinity, job.priority));
    }
    for (const item of items) {
      const band = bandOf(item.priority);
      const below = (lowest.get(item.priority) ?? band.top + 1) - 1;
      // A band used up by a very long run of additions: renumber it in queue order.
      if (below < band.bottom) return this.resequence(await this.#pending());
      lowest.set(item.priority, below);
      await this.#save(jobs, item.id, below, runAt, paused, onlyIf);
    }
  }

  /**
   * Renumbers the jobs of these pending items (all of them, in queue order: priority, then
   * position) so Agenda starts them in that order. Jobs waiting out a retry keep their time
   * (unless named in `dueNow`); only jobs whose number changes are saved again.
   */
  async resequence(ordered: readonly Queued[], dueNow: ReadonlySet<string> = new Set()): Promise<void> {
    const jobs = this.#jobs;
    const stored = await this.#stored(jobs);
    const paused = !(await this.#open());
    const rank = new Map<number, number>();
    for (const item of ordered) {
      const index = rank.get(item.priority) ?? 0;
      rank.set(item.priority, index + 1);
      const band = bandOf(item.priority);
      const value = Math.max(band.bottom, band.top - index);
      const job = stored.get(item.id);
      if (job?.state === 'running') continue;
      const due = dueNow.has(item.id);
      if (job && job.priority === value && !due) continue;
      const runAt = !due && job?.nextRunAt && new Date(job.nextRunAt).getTime() > Date.now() ? new Date(job.nextRunAt) : undefined;
      await this.#save(jobs, item.id, value, runAt, paused);
    }
  }

  /** Pending items without a stored job (written by another tool, or whose job was consumed while the queue was stopped) get one. */
  async ensure(pending: readonly Queued[]): Promise<number> {
    const jobs = this.#jobs;
    if (pending.length === 0) return 0;
    const stored = await this.#stored(jobs);
    const orphans = pending.filter((item) => !stored.has(item.id));
    if (orphans.length > 0) {
      this.#logger.debug({ items: orphans.map((item) => item.id) }, 'pending downloads without a job get one');
      await this.append(orphans);
    }
    return orphans.length;
  }

  /** Removes the item's stored job; a run of it in this process is told to stop. */
  async withdraw(id: string): Promise<void> {
    await this.#jobs.cancel(NAME, { itemId: id }).catch((error) => this.#logger.warn({ err: error, item_id: id }, 'could not withdraw a download job'));
  }

  /** The whole queue stopped or paused: no download job starts, in any process, until resumeAll. */
  async pauseAll(): Promise<void> {
    await this.#jobs.pause(NAME);
  }

  async resumeAll(): Promise<void> {
    await this.#jobs.resume(NAME);
  }

  async #stored(jobs: JobQueue): Promise<Map<string, JobSummary>> {
    const stored = new Map<string, JobSummary>();
    for (const job of await jobs.list(NAME)) stored.set(String((job.payload as { itemId?: unknown }).itemId), job);
    return stored;
  }

  async #save(jobs: JobQueue, id: string, priority: number, runAt: Date | undefined, paused: boolean, onlyIf?: () => Promise<boolean>): Promise<void> {
    await jobs.enqueue(NAME, { itemId: id }, { uniqueKey: `download:${id}`, priority, paused, ...(runAt ? { runAt } : {}), ...(onlyIf ? { onlyIf } : {}) });
  }
}
