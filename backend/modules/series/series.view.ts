import { join } from 'node:path';
import type { ISeries } from './series.entity.ts';
import type { IEpisode } from './episode.entity.ts';
import type { SearchResult as ProviderSearchResult } from '../../providers/provider.ts';
import type { AnimeDetail, AnimeSummary, Episode, SearchResult } from '../../../contract/index.ts';
import { isUpgradable, type UpgradePolicy } from './language-upgrade.ts';

/** Wire shapes of the /api/anime routes (`contract/series.ts`). */
export type MissingEpisodes = Record<string, number[]>;

export interface EpisodeCounts {
  readonly on_provider: number;
  readonly downloaded: number;
  readonly missing: number;
  /** On disk in a lower language than the series wants, which the provider now offers (separate from missing). */
  readonly upgradable: number;
}

export function animeSummary(series: ISeries, missing: MissingEpisodes, counts: EpisodeCounts): AnimeSummary {
  return {
    key: series.key,
    name: series.name,
    site: series.site,
    folder: series.folder,
    link: series.link,
    missing_episodes: missing,
    year: series.year ?? null,
    end_year: series.endYear ?? null,
    cover: series.cover ?? null,
    monitored: series.monitored,
    preferred_language: series.preferredLanguage ?? null,
    upgrade_language: series.upgradeLanguage !== false,
    episode_count: counts.on_provider,
    downloaded_count: counts.downloaded,
    missing_count: counts.missing,
    upgradable_count: counts.upgradable,
    provider_checked_at: series.providerCheckedAt?.toISOString() ?? null,
    scanned_at: series.scannedAt?.toISOString() ?? null,
  };
}

export function episodeView(
  episode: IEpisode,
  seriesPath: string,
  monitored: boolean,
  size: number | null = episode.size ?? null,
  policy: UpgradePolicy = { on: false, cutoff: '' },
): Episode {
  return {
    season: episode.season,
    number: episode.number,
    title_de: episode.titleDe ?? null,
    title_en: episode.titleEn ?? null,
    type: episode.type,
    languages: episode.languages,
    on_provider: episode.onProvider,
    downloaded: episode.downloaded,
    file_path: episode.filePath ? join(seriesPath, episode.filePath) : null,
    /** The language of the file on disk (null: unknown, or no file). */
    language: episode.downloaded ? (episode.language ?? null) : null,
    size,
    missing: isMissing(episode, monitored),
    upgradable: isUpgradable(episode, policy),
  };
}

export function isMissing(episode: Pick<IEpisode, 'onProvider' | 'downloaded'>, monitored: boolean): boolean {
  return monitored && episode.onProvider && !episode.downloaded;
}

/** `sizes`: sizes read from disk for files the scan did not stat (scans only read directory listings). */
export function animeDetail(
  series: ISeries,
  episodes: readonly IEpisode[],
  seriesPath: string,
  policy: UpgradePolicy,
  sizes: ReadonlyMap<number, number> = new Map(),
): AnimeDetail {
  const bySeason: Record<string, ReturnType<typeof episodeView>[]> = {};
  const missing: MissingEpisodes = {};
  let onProvider = 0;
  let downloaded = 0;
  let upgradable = 0;
  for (const episode of episodes) {
    const view = episodeView(episode, seriesPath, series.monitored, episode.size ?? sizes.get(episode.id) ?? null, policy);
    (bySeason[String(episode.season)] ??= []).push(view);
    if (episode.onProvider) onProvider++;
    if (episode.downloaded) downloaded++;
    if (view.upgradable) upgradable++;
    if (isMissing(episode, series.monitored)) (missing[String(episode.season)] ??= []).push(episode.number);
  }
  const missingCount = Object.values(missing).reduce((sum, list) => sum + list.length, 0);
  return {
    ...animeSummary(series, missing, { on_provider: onProvider, downloaded, missing: missingCount, upgradable }),
    /** Whether upgrades run for this series (the setting, its own switch, monitored) and the language they aim for. */
    upgrades_enabled: policy.on,
    upgrade_cutoff: policy.cutoff,
    folder_path: seriesPath,
    description: series.description ?? null,
    genres: series.genres,
    imdb_id: series.imdbId ?? null,
    age_rating: series.ageRating ?? null,
    season_count: series.seasonCount,
    has_films: series.hasFilms,
    episodes: bySeason,
  };
}

export function searchResultView(result: ProviderSearchResult, added: boolean): SearchResult {
  return {
    key: result.key,
    name: result.name,
    link: result.link,
    cover: result.cover,
    year: result.year,
    end_year: result.endYear,
    description: result.description,
    added,
  };
}
