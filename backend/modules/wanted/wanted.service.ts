import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import type { Logger } from '../../adapters/logger.ts';
import { Episode } from '../series/episode.entity.ts';
import { Series } from '../series/series.entity.ts';
import { DownloadItem, type DownloadStatus } from '../queue/download-item.entity.ts';
import type { AddInput } from '../queue/queue.schema.ts';
import type { Language } from '../../providers/provider.ts';
import type { Settings } from '../../../config/schema.ts';
import { isUpgradable, upgradePolicy } from '../series/language-upgrade.ts';
import type { WantedDownloadInput, WantedFilter, WantedKind, WantedQuery } from './wanted.schema.ts';
import type { WantedDownloadResult, WantedEpisode, WantedPage } from '../../../contract/index.ts';

const OPEN_STATUSES: DownloadStatus[] = ['pending', 'downloading', 'paused'];

/** The queue as the wanted list uses it: everything goes through its normal add. */
export interface WantedQueue {
  add(input: AddInput): Promise<QueueAdded>;
  /** A language upgrade: the wanted language, replacing the file on disk. */
  addUpgrades(input: { key: string; episodes: { season: number; episode: number }[]; priority: number }): Promise<QueueAdded>;
}

interface QueueAdded {
  item_ids: string[];
  skipped: readonly { season: number; episode: number; reason: string }[];
}

/** One series' part of a bulk download: a failing series does not fail the others. */
export type SeriesOutcome = WantedDownloadResult['results'][number];

interface Row {
  readonly key: string;
  readonly folder: string;
  readonly name: string;
  readonly season: number;
  readonly number: number;
  readonly titleDe: string | null;
  readonly titleEn: string | null;
  readonly type: string;
  readonly languages: string[];
  readonly fileLanguage: string | null;
  readonly upgradeTo: string | null;
}

/**
 * The library-wide wanted list: every episode of a monitored series that the provider lists and
 * that is not on disk, filtered by series, season and language, in pages; and its downloads,
 * which go through the queue's normal add per series.
 */
export class WantedService {
  readonly #orm: Orm;
  readonly #queue: WantedQueue;
  readonly #logger: Logger;
  readonly #settings: { current(): Readonly<Settings> };

  constructor(deps: { orm: Orm; queue: WantedQueue; settings: { current(): Readonly<Settings> }; logger: Logger }) {
    this.#orm = deps.orm;
    this.#queue = deps.queue;
    this.#settings = deps.settings;
    this.#logger = deps.logger.child({ component: 'wanted' });
  }

  get #em(): EntityManager {
    return this.#orm.em as EntityManager;
  }

  async list(query: WantedQuery): Promise<WantedPage> {
    const { kind, offset, limit } = query;
    const all = await this.#rows({ kind, language: query.language });
    // The series facet ignores the series and season filters, so the panel can offer every series.
    const series = new Map<string, { key: string; name: string; count: number }>();
    for (const row of all) {
      const entry = series.get(row.key);
      if (entry) entry.count++;
      else series.set(row.key, { key: row.key, name: row.name, count: 1 });
    }
    const matching = all.filter((row) => matches(row, query));
    const page = matching.slice(offset, offset + limit);
    const queued = await this.#queuedSlots(page);
    return {
      kind,
      total: matching.length,
      offset,
      limit,
      series: [...series.values()].map((entry) => ({ key: entry.key, name: entry.name, count: entry.count })),
      items: page.map((row): WantedEpisode => ({
        key: row.key,
        folder: row.folder,
        series_name: row.name,
        season: row.season,
        episode: row.number,
        title_de: row.titleDe,
        title_en: row.titleEn,
        type: row.type,
        languages: row.languages,
        queued: queued.has(slot(row.key, row.season, row.number)),
        file_language: row.fileLanguage,
        upgrade_to: row.upgradeTo,
      })),
    };
  }

  /**
   * Queues a selection, or everything the filters match, series by series. Only episodes that are
   * wanted and not already open in the queue (in any language) are queued; a selection naming one
   * that is on disk, unmonitored or queued skips it, with a reason.
   */
  async download(input: WantedDownloadInput): Promise<WantedDownloadResult> {
    const wanted =
      'all' in input
        ? (await this.#rows({ kind: input.kind, language: input.language })).filter((row) => matches(row, input))
        : await this.#selected(input.kind, input.episodes);
    const language: Language | null = input.language ?? null;
    // Open in the queue in any language: the list shows it as queued, so it is not queued twice.
    const open = await this.#queuedSlots(wanted);
    const alreadyQueued = new Map<string, { season: number; episode: number; reason: string }[]>();
    const bySeries = new Map<string, { season: number; episode: number }[]>();
    for (const row of wanted) {
      if (open.has(slot(row.key, row.season, row.number))) {
        let skipped = alreadyQueued.get(row.key);
        if (!skipped) alreadyQueued.set(row.key, (skipped = []));
        skipped.push({ season: row.season, episode: row.number, reason: 'already in the queue' });
        continue;
      }
      let list = bySeries.get(row.key);
      if (!list) bySeries.set(row.key, (list = []));
      list.push({ season: row.season, episode: row.number });
    }
    const results: SeriesOutcome[] = [];
    if (!('all' in input)) {
      const found = new Set(wanted.map((row) => slot(row.key, row.season, row.number)));
      const notWanted = new Map<string, { season: number; episode: number; reason: string }[]>();
      for (const episode of input.episodes) {
        if (found.has(slot(episode.key, episode.season, episode.episode))) continue;
        let list = notWanted.get(episode.key);
        if (!list) notWanted.set(episode.key, (list = []));
        list.push({
          season: episode.season,
          episode: episode.episode,
          reason: 'not wanted (on disk, not listed by the provider, or the series is not monitored)',
        });
      }
      for (const [key, skipped] of notWanted) {
        if (!bySeries.has(key)) results.push(await this.#unknownOr(key, [...(alreadyQueued.get(key) ?? []), ...skipped]));
      }
      for (const [key, episodes] of bySeries)
        results.push(
          await this.#queueSeries(input.kind, key, episodes, language, input.priority ?? 0, [...(alreadyQueued.get(key) ?? []), ...(notWanted.get(key) ?? [])]),
        );
      for (const [key, skipped] of alreadyQueued) if (!bySeries.has(key) && !notWanted.has(key)) results.push({ key, ok: true, item_ids: [], skipped });
    } else {
      for (const [key, episodes] of bySeries)
        results.push(await this.#queueSeries(input.kind, key, episodes, language, input.priority ?? 0, alreadyQueued.get(key) ?? []));
      for (const [key, skipped] of alreadyQueued) if (!bySeries.has(key)) results.push({ key, ok: true, item_ids: [], skipped });
    }
    results.sort((a, b) => a.key.localeCompare(b.key));
    return {
      queued: results.reduce((sum, result) => sum + (result.ok ? result.item_ids.length : 0), 0),
      skipped: results.reduce((sum, result) => sum + (result.ok ? result.skipped.length : 0), 0),
      results,
    };
  }

  async #queueSeries(
    kind: WantedKind,
    key: string,
    episodes: { season: number; episode: number }[],
    language: Language | null,
    priority: number,
    notWanted: readonly { season: number; episode: number; reason: string }[],
  ): Promise<SeriesOutcome> {
    try {
      const added =
        kind === 'upgradable'
          ? await this.#queue.addUpgrades({ key, episodes, priority })
          : await this.#queue.add({ serie_id: key, episodes, language, priority });
      return { key, ok: true, item_ids: added.item_ids, skipped: [...added.skipped, ...notWanted] };
    } catch (error) {
      return this.#failure(key, error);
    }
  }

  /** A selection's series that has nothing wanted: unknown (an error) or simply nothing to queue. */
  async #unknownOr(key: string, skipped: readonly { season: number; episode: number; reason: string }[]): Promise<SeriesOutcome> {
    if (!(await this.#em.count(Series, { key }))) return this.#failure(key, new NotFoundError(`No series with key "${key}" in the library`));
    return { key, ok: true, item_ids: [], skipped: [...skipped] };
  }

  #failure(key: string, error: unknown): SeriesOutcome {
    if (error instanceof AppError && error.expose) return { key, ok: false, error: { code: error.code, message: error.message } };
    this.#logger.error({ err: error, key }, 'queueing a wanted series failed');
    return { key, ok: false, error: { code: 'internal_error', message: 'Could not queue this series; the log has the details' } };
  }

  /** The wanted episodes among a selection. */
  async #selected(kind: WantedKind, episodes: readonly { key: string; season: number; episode: number }[]): Promise<Row[]> {
    const keys = [...new Set(episodes.map((episode) => episode.key))];
    const wanted = new Set(episodes.map((episode) => slot(episode.key, episode.season, episode.episode)));
    const rows: Row[] = [];
    for (const key of keys) {
      for (const row of await this.#rows({ kind, series: key })) if (wanted.has(slot(row.key, row.season, row.number))) rows.push(row);
    }
    return rows;
  }

  /** Wanted episodes of monitored series, in the library's order (series name, season, number). */
  async #rows(filter: Pick<WantedFilter, 'kind' | 'language' | 'series'>): Promise<Row[]> {
    const upgrades = filter.kind === 'upgradable';
    const downloads = this.#settings.current().downloads;
    if (upgrades && !downloads.upgrade_language) return [];
    const series = filter.series === undefined ? { monitored: true } : { monitored: true, key: filter.series };
    const episodes = await this.#em.find(
      Episode,
      upgrades ? { downloaded: true, language: { $ne: null }, series: { ...series, upgradeLanguage: true } } : { onProvider: true, downloaded: false, series },
      {
        populate: ['series'],
        fields: [
          'season',
          'number',
          'titleDe',
          'titleEn',
          'type',
          'languages',
          'downloaded',
          'language',
          'series.key',
          'series.folder',
          'series.name',
          'series.monitored',
          'series.upgradeLanguage',
          'series.preferredLanguage',
        ] as never,
        orderBy: { series: { name: 'asc', key: 'asc' }, season: 'asc', number: 'asc' },
        disableIdentityMap: true,
      },
    );
    const rows: Row[] = [];
    for (const episode of episodes) {
      const languages = episode.languages ?? [];
      // Filtered here, not in SQL: the languages are a JSON column (text on SQLite, jsonb on PostgreSQL).
      if (filter.language !== undefined && !languages.includes(filter.language)) continue;
      const owner = episode.series as unknown as {
        key: string;
        folder: string;
        name: string;
        monitored: boolean;
        upgradeLanguage: boolean;
        preferredLanguage: string | null;
      };
      // The cutoff per series (its wanted language, else the first preferred one), as the library counts it.
      const policy = upgrades ? upgradePolicy(owner, downloads) : undefined;
      if (policy && !isUpgradable({ downloaded: episode.downloaded, language: episode.language ?? null, languages }, policy)) continue;
      rows.push({
        key: owner.key,
        folder: owner.folder,
        name: owner.name,
        season: episode.season,
        number: episode.number,
        titleDe: episode.titleDe ?? null,
        titleEn: episode.titleEn ?? null,
        type: episode.type,
        languages,
        fileLanguage: policy ? (episode.language ?? null) : null,
        upgradeTo: policy ? policy.cutoff : null,
      });
    }
    return rows;
  }

  async #queuedSlots(rows: readonly Row[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const keys = [...new Set(rows.map((row) => row.key))];
    const open = await this.#em.find(
      DownloadItem,
      { seriesKey: { $in: keys }, status: { $in: OPEN_STATUSES } },
      { fields: ['seriesKey', 'season', 'episode'] as never, disableIdentityMap: true },
    );
    return new Set(open.map((item) => slot(item.seriesKey, item.season, item.episode)));
  }
}

function matches(row: Row, filter: { series?: string; season?: number }): boolean {
  return (filter.series === undefined || row.key === filter.series) && (filter.season === undefined || row.season === filter.season);
}

function slot(key: string, season: number, episode: number): string {
  return `${key}\u0000${season}:${episode}`;
}
