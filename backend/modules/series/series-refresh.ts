import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import { inContext } from '../../db/context.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Clock } from '../../adapters/clock.ts';
import type { EventBus } from '../../events/bus.ts';
import { NotFoundError } from '../../errors.ts';
import type { EpisodeListing, Provider, SeriesInfo } from '../../providers/provider.ts';
import { Episode } from './episode.entity.ts';
import { Series, type ISeries } from './series.entity.ts';

export interface OfferedEpisode {
  readonly season: number;
  readonly episode: number;
}

export interface RefreshSummary {
  readonly key: string;
  readonly folder: string;
  readonly seasons: number;
  readonly episodes: number;
}

/**
 * Keeps the provider's episode lists in the database (Episode.onProvider), so that scans and
 * "missing" never ask the provider. Runs on demand (add, refresh button) or on schedule.
 */
export class SeriesRefresher {
  readonly #orm: Orm;
  readonly #provider: () => Provider;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #changed: (key: string) => void;
  readonly #events: EventBus | undefined;

  /**
   * `changed`: told after a series' provider data was stored. `events`: gets `languages_offered`
   * for the episodes the provider now offers in a language it did not before (the queue looks
   * for language upgrades among them).
   */
  constructor(deps: { orm: Orm; provider: () => Provider; logger: Logger; clock: Clock; changed?: (key: string) => void; events?: EventBus }) {
    this.#orm = deps.orm;
    this.#provider = deps.provider;
    this.#logger = deps.logger;
    this.#clock = deps.clock;
    this.#changed = deps.changed ?? (() => {});
    this.#events = deps.events;
  }

  get #em(): EntityManager {
    return this.#orm.em as EntityManager;
  }

  /**
   * Fetches the series page and every season page, then stores it all in one transaction.
   * `known`: the series page an add just loaded; that first load is part of series_added, so
   * only later refreshes publish series_refreshed.
   */
  async refreshSeries(key: string, known?: SeriesInfo): Promise<RefreshSummary> {
    const series = await this.#em.findOne(Series, { key });
    if (!series) throw new NotFoundError(`No series with key "${key}"`);
    const provider = this.#provider();
    const info = known ?? (await provider.getSeries(key));
    const listings: EpisodeListing[] = [];
    for (const season of info.seasons) listings.push(...(await provider.getSeason(key, season)).episodes);
    const { added, offered } = await this.#store(series, info, listings);
    this.#changed(key);
    if (offered.length > 0)
      this.#events?.publish('languages_offered', { key, folder: series.folder, episodes: offered.map(({ season, episode }) => ({ season, episode })) });
    if (!known)
      this.#events?.publish('series_refreshed', {
        key,
        folder: series.folder,
        name: info.name,
        new_episodes: added,
        episodes: listings.length,
        seasons: info.seasons.length,
      });
    return { key, folder: series.folder, seasons: info.seasons.length, episodes: listings.length };
  }

  /** Every monitored series, one after the other (the provider client paces requests); failures are collected. */
  async refreshAll(): Promise<{ refreshed: number; failed: { key: string; error: string }[] }> {
    return inContext(this.#orm, async () => {
      const keys = (await this.#em.find(Series, { monitored: true }, { fields: ['key'] as never, orderBy: { providerCheckedAt: 'asc' } })).map(
        (series) => series.key,
      );
      const failed: { key: string; error: string }[] = [];
      let refreshed = 0;
      for (const key of keys) {
        try {
          await inContext(this.#orm, () => this.refreshSeries(key));
          refreshed++;
        } catch (error) {
          failed.push({ key, error: (error as Error).message });
          this.#logger.warn({ component: 'library', key, err: error }, 'series refresh failed');
        }
      }
      return { refreshed, failed };
    });
  }

  /** Stores the listings; answers how many episodes were new and those listed before that gained a language. */
  async #store(series: ISeries, info: SeriesInfo, listings: readonly EpisodeListing[]): Promise<{ added: number; offered: OfferedEpisode[] }> {
    const now = this.#clock.now();
    let added = 0;
    const offered: OfferedEpisode[] = [];
    await this.#em.transactional(async (tx) => {
      const managed = tx.merge(series);
      Object.assign(managed, {
        name: info.name,
        link: info.link,
        year: info.year,
        endYear: info.endYear,
        description: info.description,
        cover: info.cover,
        genres: [...info.genres],
        imdbId: info.imdbId,
        ageRating: info.ageRating,
        seasonCount: info.seasons.filter((season) => season > 0).length,
        hasFilms: info.seasons.includes(0),
        providerCheckedAt: now,
      });
      const episodes = await tx.find(Episode, { series: managed });
      const byNumber = new Map(episodes.map((episode) => [`${episode.season}:${episode.number}`, episode]));
      const listed = new Set<string>();
      for (const listing of listings) {
        const id = `${listing.season}:${listing.number}`;
        if (listed.has(id)) continue;
        listed.add(id);
        const fields = { titleDe: listing.titleDe, titleEn: listing.titleEn, type: listing.type, languages: [...listing.languages], onProvider: true };
        const episode = byNumber.get(id);
        // Only episodes the provider listed before: the first refresh of an imported series knows
        // of no change, and queueing every upgrade of a whole imported library is not asked for.
        if (episode?.onProvider && listing.languages.some((language) => !episode.languages.includes(language))) {
          offered.push({ season: listing.season, episode: listing.number });
        }
        if (episode) Object.assign(episode, fields);
        else {
          tx.create(Episode, { series: managed, season: listing.season, number: listing.number, ...fields, downloaded: false, filePath: null, size: null });
          added++;
        }
      }
      for (const episode of episodes) {
        if (listed.has(`${episode.season}:${episode.number}`)) continue;
        if (episode.downloaded) episode.onProvider = false;
        else tx.remove(episode);
      }
    });
    return { added, offered };
  }
}
