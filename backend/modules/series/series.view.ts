import { join } from 'node:path';
import type { ISeries } from './series.entity.ts';
import type { IEpisode } from './episode.entity.ts';
import type { SearchResult } from '../../providers/provider.ts';

/** Wire shapes (snake_case) of the /api/anime routes. */
export type MissingEpisodes = Record<string, number[]>;

export interface EpisodeCounts {
  readonly on_provider: number;
  readonly downloaded: number;
  readonly missing: number;
}

export function animeSummary(series: ISeries, missing: MissingEpisodes, counts: EpisodeCounts) {
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
    episode_count: counts.on_provider,
    downloaded_count: counts.downloaded,
    missing_count: counts.missing,
    provider_checked_at: series.providerCheckedAt?.toISOString() ?? null,
    scanned_at: series.scannedAt?.toISOString() ?? null,
  };
}

export function episodeView(episode: IEpisode, seriesPath: string, monitored: boolean, size: number | null = episode.size ?? null) {
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
    size,
    missing: isMissing(episode, monitored),
  };
}

export function isMissing(episode: Pick<IEpisode, 'onProvider' | 'downloaded'>, monitored: boolean): boolean {
  return monitored && episode.onProvider && !episode.downloaded;
}

/** `sizes`: sizes read from disk for files the scan did not stat (scans only read directory listings). */
export function animeDetail(series: ISeries, episodes: readonly IEpisode[], seriesPath: string, sizes: ReadonlyMap<number, number> = new Map()) {
  const bySeason: Record<string, ReturnType<typeof episodeView>[]> = {};
  const missing: MissingEpisodes = {};
  let onProvider = 0;
  let downloaded = 0;
  for (const episode of episodes) {
    (bySeason[String(episode.season)] ??= []).push(episodeView(episode, seriesPath, series.monitored, episode.size ?? sizes.get(episode.id) ?? null));
    if (episode.onProvider) onProvider++;
    if (episode.downloaded) downloaded++;
    if (isMissing(episode, series.monitored)) (missing[String(episode.season)] ??= []).push(episode.number);
  }
  const missingCount = Object.values(missing).reduce((sum, list) => sum + list.length, 0);
  return {
    ...animeSummary(series, missing, { on_provider: onProvider, downloaded, missing: missingCount }),
    title: series.name,
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

export function searchResultView(result: SearchResult, added: boolean) {
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
