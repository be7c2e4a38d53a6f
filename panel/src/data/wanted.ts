import type { ApiClient } from './api-client.ts';
import type { Language } from './config.ts';

/** One wanted episode (GET /api/wanted). */
export interface WantedEpisode {
  readonly key: string;
  readonly folder: string;
  readonly series_name: string;
  readonly season: number;
  readonly episode: number;
  readonly title_de: string | null;
  readonly title_en: string | null;
  readonly type: string;
  readonly languages: string[];
  readonly queued: boolean;
}

export interface WantedPage {
  readonly kind: string;
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  /** Every series with wanted episodes (under the language filter), for the series filter. */
  readonly series: { key: string; name: string; count: number }[];
  readonly items: WantedEpisode[];
}

export interface WantedFilter {
  readonly series: string;
  /** '' = every season */
  readonly season: string;
  readonly language: Language | '';
}

export type SeriesOutcome =
  | { readonly key: string; readonly ok: true; readonly item_ids: string[]; readonly skipped: { season: number; episode: number; reason: string }[] }
  | { readonly key: string; readonly ok: false; readonly error: { code: string; message: string } };

export interface WantedDownloadResult { readonly queued: number; readonly skipped: number; readonly results: SeriesOutcome[] }

export type BulkAction = 'monitor' | 'unmonitor' | 'refresh' | 'download_missing';

export interface BulkResult {
  readonly action: BulkAction;
  readonly succeeded: number;
  readonly failed: number;
  readonly results: ({ key: string; ok: true; item_ids?: string[] } | { key: string; ok: false; error: { code: string; message: string } })[];
}

/** The filters as the API's query (and the page's URL): only what is set. */
export function wantedQuery(filter: WantedFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.series) query.set('series', filter.series);
  if (filter.season !== '') query.set('season', filter.season);
  if (filter.language) query.set('language', filter.language);
  return query;
}

export function wantedFilterFromQuery(query: URLSearchParams, languages: readonly string[]): WantedFilter {
  const season = query.get('season') ?? '';
  const language = query.get('language') ?? '';
  return {
    series: /^[a-z0-9][a-z0-9-]*$/.test(query.get('series') ?? '') ? query.get('series')! : '',
    season: /^\d{1,5}$/.test(season) ? season : '',
    language: languages.includes(language) ? (language as Language) : '',
  };
}

/** A stable id for an episode in a selection. */
export const wantedSlot = (episode: { key: string; season: number; episode: number }) => `${episode.key}|${episode.season}|${episode.episode}`;

export function listWanted(api: ApiClient, filter: WantedFilter, offset: number, limit: number, signal?: AbortSignal) {
  const query = wantedQuery(filter);
  query.set('offset', String(offset));
  query.set('limit', String(limit));
  return api.get<WantedPage>(`/api/wanted?${query}`, signal);
}

export const downloadWantedEpisodes = (api: ApiClient, episodes: { key: string; season: number; episode: number }[]) =>
  api.post<WantedDownloadResult>('/api/wanted/download', { episodes });

/** Everything the filters match, queued in the filtered language (when one is chosen). */
export function downloadAllWanted(api: ApiClient, filter: WantedFilter) {
  return api.post<WantedDownloadResult>('/api/wanted/download', {
    all: true,
    ...(filter.series ? { series: filter.series } : {}),
    ...(filter.season !== '' ? { season: Number(filter.season) } : {}),
    ...(filter.language ? { language: filter.language } : {}),
  });
}

export const bulkSeries = (api: ApiClient, action: BulkAction, keys: string[]) => api.post<BulkResult>('/api/anime/bulk', { action, keys });
