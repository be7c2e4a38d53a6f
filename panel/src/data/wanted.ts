import type { ApiClient } from './api-client.ts';
import type { Language } from './config.ts';
import type { BulkResult, WantedDownloadResult, WantedPage } from '../../../contract/index.ts';

export type { WantedEpisode, WantedPage, WantedDownloadResult, BulkResult } from '../../../contract/index.ts';

export interface WantedFilter {
  /** `missing` (no file) or `upgradable` (a file in a lower language than wanted). */
  readonly kind: 'missing' | 'upgradable';
  readonly series: string;
  /** '' = every season */
  readonly season: string;
  readonly language: Language | '';
}

export type BulkAction = BulkResult['action'];

/** The filters as the API's query (and the page's URL): only what is set. */
export function wantedQuery(filter: WantedFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.kind !== 'missing') query.set('kind', filter.kind);
  if (filter.series) query.set('series', filter.series);
  if (filter.season !== '') query.set('season', filter.season);
  if (filter.language) query.set('language', filter.language);
  return query;
}

export function wantedFilterFromQuery(query: URLSearchParams, languages: readonly string[]): WantedFilter {
  const season = query.get('season') ?? '';
  const language = query.get('language') ?? '';
  return {
    kind: query.get('kind') === 'upgradable' ? 'upgradable' : 'missing',
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

export const downloadWantedEpisodes = (api: ApiClient, kind: WantedFilter['kind'], episodes: { key: string; season: number; episode: number }[]) =>
  api.post<WantedDownloadResult>('/api/wanted/download', { kind, episodes });

/** Everything the filters match, queued in the filtered language (when one is chosen). */
export function downloadAllWanted(api: ApiClient, filter: WantedFilter) {
  return api.post<WantedDownloadResult>('/api/wanted/download', {
    all: true,
    kind: filter.kind,
    ...(filter.series ? { series: filter.series } : {}),
    ...(filter.season !== '' ? { season: Number(filter.season) } : {}),
    ...(filter.language ? { language: filter.language } : {}),
  });
}

export const bulkSeries = (api: ApiClient, action: BulkAction, keys: string[]) => api.post<BulkResult>('/api/anime/bulk', { action, keys });
