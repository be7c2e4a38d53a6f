import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import { inContext } from '../../db/context.ts';
import type { Clock } from '../../adapters/clock.ts';
import { NotFoundError } from '../../errors.ts';
import { DownloadItem, type DownloadStatus, type IDownloadItem } from './download-item.entity.ts';

/** Rows of the queue as every part of it reads and writes them: fresh reads, guarded updates. */
export class DownloadItems {
  readonly #orm: Orm;
  readonly #clock: Clock;

  constructor(orm: Orm, clock: Clock) {
    this.#orm = orm;
    this.#clock = clock;
  }

  /** The EntityManager of the current request or job context. */
  get em(): EntityManager {
    return this.#orm.em as EntityManager;
  }

  now(): Date {
    return this.#clock.now();
  }

  /** Runs `work` on its own EntityManager fork (timers, job runs). */
  inContext<T>(work: () => Promise<T>): Promise<T> {
    return inContext(this.#orm, work);
  }

  async get(id: string): Promise<IDownloadItem> {
    const item = await this.em.findOne(DownloadItem, { id }, { refresh: true });
    if (!item) throw new NotFoundError(`No queue item "${id}"`);
    return item;
  }

  /** The current row, or undefined when it was removed (read outside any cached entity). */
  find(id: string): Promise<IDownloadItem | null> {
    return this.inContext(() => this.em.findOne(DownloadItem, { id }, { refresh: true }));
  }

  /** Updates the row, only while its status is one of `onlyIf` when given; returns how many rows changed. */
  update(id: string, fields: Partial<IDownloadItem>, onlyIf?: readonly DownloadStatus[]): Promise<number> {
    return this.inContext(() =>
      this.em.nativeUpdate(DownloadItem, onlyIf ? { id, status: { $in: [...onlyIf] } } : { id }, { ...fields, updatedAt: this.now() }),
    );
  }

  /** Moves every item in `from` to `to` (with `fields`); returns their ids. */
  async moveAll(from: DownloadStatus, to: DownloadStatus, fields: Partial<IDownloadItem> = {}): Promise<string[]> {
    return this.inContext(async () => {
      const ids = (await this.em.find(DownloadItem, { status: from }, { fields: ['id'] })).map((item) => item.id);
      if (ids.length > 0) await this.em.nativeUpdate(DownloadItem, { id: { $in: ids }, status: from }, { ...fields, status: to, updatedAt: this.now() });
      return ids;
    });
  }

  /** Sets the shown reason of these items (while their status is one of `onlyIf`). */
  async setError(ids: readonly string[], message: string, onlyIf: readonly DownloadStatus[]): Promise<void> {
    if (ids.length === 0) return;
    await this.inContext(() =>
      this.em.nativeUpdate(DownloadItem, { id: { $in: [...ids] }, status: { $in: [...onlyIf] } }, { lastError: message, updatedAt: this.now() }),
    );
  }

  /** Items waiting for a download slot, in the order they should start. */
  pending(): Promise<IDownloadItem[]> {
    return this.inContext(() => this.em.find(DownloadItem, { status: 'pending' }, { orderBy: { priority: 'desc', position: 'asc' } }));
  }
}
