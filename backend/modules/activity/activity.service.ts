import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import type { EventBus } from '../../events/bus.ts';
import type { SettingsStore } from '../../../config/store.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Clock } from '../../adapters/clock.ts';
import { ActivityEntry, type IActivityEntry } from './activity-entry.entity.ts';
import { activityFor, changedSettingKeys, type ActivityRecord } from './activity-events.ts';
import type { ActivityItem, ActivityPage, ActivityType } from '../../../contract/index.ts';

const DAY_MS = 24 * 3600_000;

/**
 * The activity log: a persisted record of what happened, fed by the event bus (and by settings
 * changes, which are no domain event). Entries are written one after the other on their own
 * EntityManager, so a burst of events keeps its order and never waits for a request.
 */
export class ActivityLog {
  readonly #orm: Orm;
  readonly #events: EventBus;
  readonly #settings: SettingsStore;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #writes: Promise<void> = Promise.resolve();

  constructor(deps: { orm: Orm; events: EventBus; settings: SettingsStore; logger: Logger; clock: Clock }) {
    this.#orm = deps.orm;
    this.#events = deps.events;
    this.#settings = deps.settings;
    this.#logger = deps.logger.child({ component: 'activity' });
    this.#clock = deps.clock;
  }

  /**
   * Starts recording; returns the stop function, which waits for entries still being written.
   * Only events of this process are kept (another process records its own), and only settings
   * changed here, not those read back from a file another process wrote.
   */
  start(): () => Promise<void> {
    const stopEvents = this.#events.subscribe(
      (event) => {
        const record = activityFor(event);
        if (record) this.#enqueue(record, new Date(event.timestamp));
      },
      { localOnly: true },
    );
    const stopSettings = this.#settings.subscribe((next, previous, change) => {
      if (change.reloaded) return;
      const keys = changedSettingKeys(previous, next);
      if (keys.length > 0) this.#enqueue({ type: 'settings_changed', key: null, folder: null, data: { keys } }, this.#clock.now());
    });
    return async () => {
      stopEvents();
      stopSettings();
      await this.flushed();
    };
  }

  /** Resolves when every entry recorded so far is stored. */
  flushed(): Promise<void> {
    return this.#writes;
  }

  async list(options: { offset: number; limit: number; types?: readonly ActivityType[] }): Promise<ActivityPage> {
    const em = this.#orm.em as EntityManager;
    const where = options.types ? { type: { $in: [...options.types] } } : {};
    const [rows, total] = await em.findAndCount(ActivityEntry, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      offset: options.offset,
      limit: options.limit,
    });
    return { total, offset: options.offset, limit: options.limit, items: rows.map(view) };
  }

  /** Deletes entries older than `library.activity_retention_days`; returns how many. */
  async prune(): Promise<number> {
    const days = this.#settings.current().library.activity_retention_days;
    const before = new Date(this.#clock.now().getTime() - days * DAY_MS);
    return (this.#orm.em.fork() as EntityManager).nativeDelete(ActivityEntry, { createdAt: { $lt: before } });
  }

  #enqueue(record: ActivityRecord, at: Date): void {
    this.#writes = this.#writes
      .then(() => this.#write(record, at))
      .catch((error: unknown) => {
        this.#logger.error({ err: error, type: record.type }, 'activity entry could not be stored');
      });
  }

  async #write(record: ActivityRecord, at: Date): Promise<void> {
    const em = this.#orm.em.fork() as EntityManager;
    await em.insert(ActivityEntry, { type: record.type, seriesKey: record.key, folder: record.folder, data: record.data, createdAt: at } as never);
  }
}

function view(row: IActivityEntry): ActivityItem {
  return {
    id: row.id,
    type: row.type as ActivityType,
    timestamp: new Date(row.createdAt).toISOString(),
    key: row.seriesKey ?? null,
    folder: row.folder ?? null,
    data: row.data as ActivityItem['data'],
  };
}
