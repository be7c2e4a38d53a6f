import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import type { EventBus } from '../../events/bus.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { partFilesFor } from '../../downloads/transfer.ts';
import { Series, type ISeries } from '../series/series.entity.ts';
import { DownloadItem, type DownloadStatus, type IDownloadItem } from './download-item.entity.ts';
import type { DownloadItems } from './download-items.ts';
import type { DownloadJobs } from './download-jobs.ts';
import type { ItemRun } from './item-run.ts';
import type { QueueControl } from './queue-state.ts';
import { itemEventBase } from './queue-events.ts';
import { priorityValue, type AddInput, type AddMissingInput, type AddUpgradesInput } from './queue.schema.ts';
import type { EventMap, QueueAddResult } from '../../../contract/index.ts';

const OPEN_STATUSES: DownloadStatus[] = ['pending', 'downloading', 'paused'];
const FINISHED_STATUSES: DownloadStatus[] = ['failed', 'cancelled'];

/** What the queue asks the library: what is missing, and which files a language upgrade would replace. */
export interface UpgradeLibrary {
  missingEpisodes(key: string): Promise<readonly { season: number; episode: number }[]>;
  upgradableEpisodes(
    key: string,
    only?: readonly { season: number; episode: number }[],
  ): Promise<readonly { season: number; episode: number; from: string; to: string }[]>;
}

export interface ItemCommandsDeps {
  readonly items: DownloadItems;
  readonly jobs: DownloadJobs;
  readonly run: ItemRun;
  readonly control: QueueControl;
  readonly events: EventBus;
  readonly series: UpgradeLibrary;
  /** Something changed that the panel's status shows. */
  readonly changed: () => void;
}

/**
 * What a user does to items: add, remove, cancel, pause, resume, retry, reorder. Each command
 * changes the rows and keeps the items' jobs in step (a pending item has a job, others none); a
 * transfer running in this process is stopped at once, one running elsewhere at its next heartbeat.
 */
export class ItemCommands {
  readonly #deps: ItemCommandsDeps;

  constructor(deps: ItemCommandsDeps) {
    this.#deps = deps;
  }

  get #em() {
    return this.#deps.items.em;
  }

  /** Queues episodes of a library series; an episode already open in the same language is skipped and reported. */
  async add(input: AddInput): Promise<QueueAddResult> {
    const series = await this.#em.findOne(Series, { key: input.serie_id });
    if (!series) throw new NotFoundError(`No series with key "${input.serie_id}" in the library; add it first`);
    const language = input.language ?? null;
    const open = await this.#em.find(DownloadItem, { seriesKey: series.key, status: { $in: OPEN_STATUSES } });
    // An open upgrade fetches the episode already, whatever language this asks for.
    const taken = new Set(
      open.filter((item) => (item.language ?? null) === language || item.upgradeFrom != null).map((item) => `${item.season}:${item.episode}`),
    );
    const priority = priorityValue(input.priority ?? 0);
    const added: IDownloadItem[] = [];
    const skipped: { season: number; episode: number; reason: string }[] = [];
    const base = this.#deps.items.now().getTime();
    for (const { season, episode } of input.episodes) {
      const slot = `${season}:${episode}`;
      if (taken.has(slot)) {
        skipped.push({ season, episode, reason: 'already in the queue' });
        continue;
      }
      taken.add(slot);
      added.push(this.#newItem(series, { season, episode, language, priority, position: base + added.length / 1000 }));
    }
    await this.#commitAdded(added, () => ({}));
    return {
      status: 'ok',
      message: `Queued ${added.length} episode${added.length === 1 ? '' : 's'}${skipped.length ? `, skipped ${skipped.length} already queued` : ''}`,
      item_ids: added.map((item) => item.id),
      skipped,
    };
  }

  /** A new pending item of a series, not yet flushed. */
  #newItem(
    series: Pick<ISeries, 'key' | 'folder' | 'name'>,
    fields: Pick<IDownloadItem, 'season' | 'episode' | 'language' | 'priority' | 'position'> & { upgradeFrom?: IDownloadItem['upgradeFrom'] },
  ): IDownloadItem {
    return this.#em.create(DownloadItem, {
      id: randomUUID(),
      seriesKey: series.key,
      seriesFolder: series.folder,
      seriesName: series.name,
      ...fields,
      status: 'pending',
      progress: 0,
      downloadedBytes: 0,
      speed: 0,
      attempts: 0,
    });
  }

  /** Stores new items, gives each its job, and announces them (with what the kind of add says of each). */
  async #commitAdded(added: IDownloadItem[], extra: (item: IDownloadItem) => Partial<EventMap['download_added']>): Promise<void> {
    await this.#em.flush();
    await this.#deps.jobs.append(added);
    for (const item of added)
      this.#deps.events.publish('download_added', {
        ...itemEventBase(item),
        serie_name: item.seriesName,
        priority: item.priority,
        language: item.language ?? null,
        ...extra(item),
      });
    if (added.length > 0) this.#deps.changed();
  }

  /** Queues every missing episode of a series (optionally only some seasons). */
  async addMissing(input: AddMissingInput): Promise<QueueAddResult> {
    const series = await this.#em.findOne(Series, { key: input.key });
    if (!series) throw new NotFoundError(`No series with key "${input.key}" in the library`);
    const missing = (await this.#deps.series.missingEpisodes(series.key)).filter((entry) => !input.seasons || input.seasons.includes(entry.season));
    if (missing.length === 0) return { status: 'ok', message: 'Nothing is missing', item_ids: [], skipped: [] };
    return this.add({
      serie_id: series.key,
      episodes: missing.map(({ season, episode }) => ({ season, episode })),
      priority: input.priority ?? 0,
      language: input.language ?? null,
    });
  }

  /**
   * For the scheduled rescan: queues the missing episodes of one series, or of every monitored
   * series when no key is given. Runs in its own EntityManager context.
   */
  async queueMissing(key?: string): Promise<{ queued: number }> {
    return this.#deps.items.inContext(async () => {
      const keys = key ? [key] : (await this.#em.find(Series, { monitored: true }, { fields: ['key'] })).map((series) => series.key);
      let queued = 0;
      for (const seriesKey of keys) {
        const result = await this.addMissing({ key: seriesKey, priority: 0, language: null });
        queued += result.item_ids.length;
      }
      return { queued };
    });
  }

  /**
   * Queues language upgrades: a download of the episode in the language the series wants, whose
   * file then replaces the one on disk. Episodes with an open item of any kind are skipped.
   */
  async addUpgrades(input: AddUpgradesInput): Promise<QueueAddResult> {
    const series = await this.#em.findOne(Series, { key: input.key });
    if (!series) throw new NotFoundError(`No series with key "${input.key}" in the library`);
    const upgradable = await this.#deps.series.upgradableEpisodes(series.key, input.episodes);
    const open = await this.#em.find(DownloadItem, { seriesKey: series.key, status: { $in: OPEN_STATUSES } });
    const taken = new Set(open.map((item) => `${item.season}:${item.episode}`));
    const priority = priorityValue(input.priority ?? 0);
    const added: IDownloadItem[] = [];
    const skipped: { season: number; episode: number; reason: string }[] = [];
    const base = this.#deps.items.now().getTime();
    for (const { season, episode, from, to } of upgradable) {
      if (taken.has(`${season}:${episode}`)) {
        skipped.push({ season, episode, reason: 'already in the queue' });
        continue;
      }
      added.push(this.#newItem(series, { season, episode, language: to, upgradeFrom: from, priority, position: base + added.length / 1000 }));
    }
    await this.#commitAdded(added, (item) => ({ kind: 'upgrade', upgrade_from: item.upgradeFrom ?? null }));
    return {
      status: 'ok' as const,
      message:
        upgradable.length === 0
          ? 'Nothing to upgrade'
          : `Queued ${added.length} upgrade${added.length === 1 ? '' : 's'}${skipped.length ? `, skipped ${skipped.length} already queued` : ''}`,
      item_ids: added.map((item) => item.id),
      skipped,
    };
  }

  /** After a refresh: the upgrades among episodes whose offered languages grew (in their own EntityManager context). */
  async queueUpgrades(key: string, episodes: readonly { season: number; episode: number }[]): Promise<{ queued: number }> {
    if (episodes.length === 0) return { queued: 0 };
    return this.#deps.items.inContext(async () => {
      const result = await this.addUpgrades({ key, episodes: [...episodes], priority: 0 });
      return { queued: result.item_ids.length };
    });
  }

  /** Cancels a running transfer and removes the item; its .part files are deleted (a removed item never resumes). */
  async remove(id: string): Promise<{ id: string; removed: boolean }> {
    const item = await this.#deps.items.get(id);
    await this.#deps.run.interrupt(id, 'cancel');
    await this.#deps.jobs.withdraw(id);
    await this.#em.nativeDelete(DownloadItem, { id });
    if (item.status !== 'completed' && item.filePath) {
      await Promise.all(partFilesFor(item.filePath).map((file) => unlink(file).catch(() => {})));
    }
    await this.#deps.control.forgetPaused([id]);
    this.#deps.events.publish('download_removed', { item_id: id, key: item.seriesKey, folder: item.seriesFolder, season: item.season, episode: item.episode });
    this.#deps.changed();
    return { id, removed: true };
  }

  /**
   * Stops the item for good but keeps it, and its .part files, in the history as `cancelled`:
   * retry resumes it where it stopped. (Removing it is DELETE, which also deletes the .part.)
   */
  async cancel(id: string): Promise<void> {
    const item = await this.#deps.items.get(id);
    if (item.status === 'completed') throw new ConflictError('This download has already completed; remove it from the history instead');
    if (FINISHED_STATUSES.includes(item.status)) return;
    const here = this.#deps.run.isRunningHere(id);
    await this.#deps.run.interrupt(id, 'cancel');
    await this.#withdrawJob(id, item.status, here);
    // Running elsewhere: its heartbeat sees the new status and stops the transfer.
    await this.#deps.items.update(id, { status: 'cancelled', lastError: 'Cancelled', speed: 0, eta: null }, OPEN_STATUSES);
    await this.#deps.control.forgetPaused([id]);
    this.#deps.changed();
  }

  async pause(id: string): Promise<void> {
    const item = await this.#deps.items.get(id);
    const here = this.#deps.run.isRunningHere(id);
    await this.#deps.run.interrupt(id, 'pause');
    await this.#deps.items.update(id, { status: 'paused', speed: 0, eta: null }, ['pending', 'downloading']);
    await this.#withdrawJob(id, item.status, here);
    this.#deps.changed();
  }

  async resume(id: string): Promise<void> {
    await this.#deps.items.get(id);
    await this.#deps.items.update(id, { status: 'pending' }, ['paused']);
    await this.#deps.control.forgetPaused([id]);
    await this.resequence();
    this.#deps.changed();
  }

  /**
   * The given failed or cancelled items, or without ids every failed one ("Retry all" never
   * restarts what the user cancelled), go back in line with a fresh attempt count.
   */
  async retry(ids?: readonly string[]): Promise<{ retried: string[] }> {
    const filter = ids ? { id: { $in: [...ids] }, status: { $in: FINISHED_STATUSES } } : { status: 'failed' as DownloadStatus };
    const items = await this.#em.find(DownloadItem, filter);
    if (items.length > 0) {
      await this.#em.nativeUpdate(
        DownloadItem,
        { id: { $in: items.map((item) => item.id) } },
        { status: 'pending', attempts: 0, lastError: null, updatedAt: this.#deps.items.now() },
      );
      await this.resequence();
      this.#deps.changed();
    }
    return { retried: items.map((item) => item.id) };
  }

  async clearCompleted(): Promise<{ removed: number }> {
    const removed = await this.#em.nativeDelete(DownloadItem, { status: 'completed' });
    if (removed > 0) this.#deps.changed();
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
    for (const [index, id] of ids.entries()) await this.#em.nativeUpdate(DownloadItem, { id }, { position: start + index, updatedAt: this.#deps.items.now() });
    await this.resequence();
    this.#deps.changed();
    return { order: [...ids] };
  }

  async setPriority(id: string, priority: number): Promise<void> {
    await this.#deps.items.get(id);
    await this.#em.nativeUpdate(DownloadItem, { id }, { priority, updatedAt: this.#deps.items.now() });
    await this.resequence();
    this.#deps.changed();
  }

  /** Gives the pending items' jobs the queue's order again (after a change of order, or items back in line). */
  async resequence(): Promise<void> {
    await this.#deps.jobs.resequence(await this.#deps.items.pending());
  }

  /**
   * Withdraws the item's job. A job already running on another worker stays: that worker stops
   * at its next heartbeat and ends the job, and until then the stored, locked job keeps a retry
   * or resume from starting a second transfer into the same .part (the worker hands the item
   * over again itself when it stops).
   */
  async #withdrawJob(id: string, status: DownloadStatus, runningHere: boolean): Promise<void> {
    if (status === 'downloading' && !runningHere) return;
    await this.#deps.jobs.withdraw(id);
  }
}
