import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import type { EventBus } from '../../events/bus.ts';
import type { Settings } from '../../../config/schema.ts';
import { Series } from './series.entity.ts';
import { animeSummary, type MissingEpisodes } from './series.view.ts';

export type AnimeSummary = ReturnType<typeof animeSummary>;

/** The serialised list as it goes on the wire, with its entity tag. */
export interface ListBody {
  readonly json: Buffer;
  readonly etag: string;
  readonly summaries: readonly AnimeSummary[];
}

export interface SeriesListViewDeps {
  readonly orm: Orm;
  /**
   * A value that changes when another process wrote the database (SQLite's `pragma data_version`);
   * a change rebuilds the whole list. Undefined where the event bridge tells about other processes.
   */
  readonly externalVersion?: () => Promise<unknown>;
  /** Events republished from other processes (scale-out) mark their series as changed. */
  readonly events?: EventBus;
  /** downloads.upgrade_language and downloads.languages decide the upgradable counts; a change rebuilds the list. */
  readonly settings?: { current(): Readonly<Settings>; subscribe(listener: (next: Readonly<Settings>) => void): () => void };
}

interface Entry {
  readonly summary: AnimeSummary;
  readonly json: string;
}

/**
 * GET /api/anime from a precomputed view: every series' summary is kept serialised and rebuilt only
 * when a scan, refresh, download or edit changed that series (`changed(key)`), so a request for
 * 2,000 series sends bytes it already has instead of loading 48,000 episodes. The body's hash is
 * its ETag, the same in every process that has the same library.
 */
export class SeriesListView {
  readonly #deps: SeriesListViewDeps;
  readonly #entries = new Map<string, Entry>();
  /** Series changed since the last build; `all` after a library-wide change. */
  #dirty: Set<string> | 'all' = 'all';
  #body: ListBody | undefined;
  #building: Promise<ListBody> | undefined;
  #version: unknown;

  constructor(deps: SeriesListViewDeps) {
    this.#deps = deps;
    let upgrades = upgradeSettingsOf(deps.settings?.current());
    deps.settings?.subscribe((next) => {
      const changed = upgradeSettingsOf(next);
      if (changed !== upgrades) this.changed();
      upgrades = changed;
    });
    deps.events?.subscribe((event) => {
      const data = event.data as { key?: string; scope?: string };
      if (event.type === 'series_added' || event.type === 'series_removed' || event.type === 'download_complete') this.changed(data.key);
      else if (event.type === 'scan_complete') this.changed(data.scope === 'series' ? data.key : undefined);
    });
  }

  /** A series changed (or, without a key, possibly every series). The next read rebuilds it. */
  changed(key?: string): void {
    this.#body = undefined;
    if (key === undefined) this.#dirty = 'all';
    else if (this.#dirty !== 'all') this.#dirty.add(key);
  }

  async body(): Promise<ListBody> {
    if (this.#deps.externalVersion) {
      const version = JSON.stringify(await this.#deps.externalVersion());
      if (version !== this.#version) {
        if (this.#version !== undefined) this.changed();
        this.#version = version;
      }
    }
    // Requests that arrive during a build share it; a change during the build starts the next one
    // (a few times at most: under a stream of changes the latest build is recent enough).
    let built = this.#body;
    for (let attempt = 0; !this.#body && attempt < 3; attempt++) {
      this.#building ??= this.#build().finally(() => {
        this.#building = undefined;
      });
      built = await this.#building;
    }
    return this.#body ?? built!;
  }

  async #build(): Promise<ListBody> {
    const dirty = this.#dirty;
    this.#dirty = new Set();
    const em = this.#deps.orm.em as EntityManager;
    if (dirty === 'all') this.#entries.clear();
    if (dirty === 'all' || dirty.size > 0) {
      const keys = dirty === 'all' ? undefined : [...dirty];
      const series = await em.find(Series, keys ? { key: { $in: keys } } : {}, {
        fields: SUMMARY_FIELDS as never,
        orderBy: { name: 'asc', key: 'asc' },
        disableIdentityMap: true,
      });
      // Ids come from the database (integers), never from a request.
      const ids = keys ? `(${series.map((item) => integer(item.id)).join(',') || 'null'})` : undefined;
      const counts = await em.execute<{ series_id: number; on_provider: number; downloaded: number }[]>(
        // Dialect-neutral SQL (SQLite and PostgreSQL): booleans compared with true/false, summed through case.
        `select series_id, sum(case when on_provider = true then 1 else 0 end) as on_provider, sum(case when downloaded = true then 1 else 0 end) as downloaded from episode${ids ? ` where series_id in ${ids}` : ''} group by series_id`,
      );
      const missingRows = await em.execute<{ series_id: number; season: number; number: number }[]>(
        `select e.series_id, e.season, e.number from episode e join series s on s.id = e.series_id where s.monitored = true and e.on_provider = true and e.downloaded = false${ids ? ` and e.series_id in ${ids}` : ''} order by e.series_id, e.season, e.number`,
      );
      const upgradableRows = await this.#upgradable(em, ids);
      const upgradableById = new Map(upgradableRows.map((row) => [row.series_id, Number(row.upgradable)]));
      const countsById = new Map(counts.map((row) => [row.series_id, row]));
      const missingById = new Map<number, MissingEpisodes>();
      for (const row of missingRows) {
        let seasons = missingById.get(row.series_id);
        if (!seasons) missingById.set(row.series_id, (seasons = {}));
        (seasons[String(row.season)] ??= []).push(row.number);
      }
      for (const key of keys ?? []) this.#entries.delete(key);
      for (const item of series) {
        const count = countsById.get(item.id);
        const missing = missingById.get(item.id) ?? {};
        const missingCount = Object.values(missing).reduce((sum, list) => sum + list.length, 0);
        const summary = animeSummary(item, missing, {
          on_provider: Number(count?.on_provider ?? 0),
          downloaded: Number(count?.downloaded ?? 0),
          missing: missingCount,
          upgradable: upgradableById.get(item.id) ?? 0,
        });
        this.#entries.set(item.key, { summary, json: JSON.stringify(summary) });
      }
    }
    // The database's own order (its collation), as the list always had: name, then key.
    const order =
      dirty === 'all'
        ? [...this.#entries.keys()]
        : (await em.find(Series, {}, { fields: ['key'] as never, orderBy: { name: 'asc', key: 'asc' }, disableIdentityMap: true })).map((item) => item.key);
    const entries = order.map((key) => this.#entries.get(key)).filter((entry) => entry !== undefined);
    const json = Buffer.from(`[${entries.map((entry) => entry.json).join(',')}]`);
    const body: ListBody = { json, etag: `"${createHash('sha1').update(json).digest('base64url')}"`, summaries: entries.map((entry) => entry.summary) };
    // Only a build that saw every change since it started becomes the current body.
    const since = this.#dirty as Set<string> | 'all';
    if (since !== 'all' && since.size === 0) this.#body = body;
    return body;
  }

  /** Per series, the files in a lower language whose wanted one is offered (language-upgrade.ts, in SQL). */
  async #upgradable(em: EntityManager, ids: string | undefined): Promise<{ series_id: number; upgradable: number }[]> {
    const downloads = this.#deps.settings?.current().downloads;
    if (!downloads?.upgrade_language) return [];
    // The stored list is JSON text on SQLite and jsonb on PostgreSQL; both print a name as "German Dub".
    return em.execute<{ series_id: number; upgradable: number }[]>(
      `select e.series_id, count(*) as upgradable from episode e join series s on s.id = e.series_id where s.monitored = true and s.upgrade_language = true and e.downloaded = true and e.language is not null and e.language <> coalesce(s.preferred_language, ?) and cast(e.languages as text) like '%"' || coalesce(s.preferred_language, ?) || '"%'${ids ? ` and e.series_id in ${ids}` : ''} group by e.series_id`,
      [downloads.languages[0], downloads.languages[0]],
    );
  }
}

function upgradeSettingsOf(settings: Readonly<Settings> | undefined): string {
  return settings ? JSON.stringify([settings.downloads.upgrade_language, settings.downloads.languages[0]]) : '';
}

const SUMMARY_FIELDS = [
  'id',
  'key',
  'name',
  'site',
  'folder',
  'link',
  'year',
  'endYear',
  'cover',
  'monitored',
  'preferredLanguage',
  'upgradeLanguage',
  'providerCheckedAt',
  'scannedAt',
];

function integer(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`not an id: ${value}`);
  return value;
}
