import type { ApiClient } from './api-client.ts';
import type { Language } from './config.ts';

/** The wire shapes of /api/anime (`contract/series.ts`). */
export type { AnimeDetail, AnimeSummary, SearchResult } from '../../../contract/index.ts';
export type { Episode as EpisodeView } from '../../../contract/index.ts';
/** season number (as a string) -> missing episode numbers */
export type MissingEpisodes = AnimeSummary['missing_episodes'];
import type { AnimeDetail, AnimeSummary, SearchResult } from '../../../contract/index.ts';

export interface ImportCandidate {
  readonly folder: string;
  readonly query: string;
  readonly episode_files: number;
  readonly linked_key: string | null;
  readonly suggestions: Omit<SearchResult, 'added' | 'end_year'>[];
  /** The suggestion "Import all" takes, and why; null when a person must choose. */
  readonly match: { key: string; reason: 'linked' | 'exact_title' | 'single_result' } | null;
  readonly error: string | null;
}

export interface ImportAllResult {
  readonly imported: { folder: string; key: string; name: string; reason: string }[];
  readonly skipped: { folder: string; reason: string }[];
  readonly failed: { folder: string; key: string | null; error: { code: string; message: string } }[];
}

export interface NamingExample { readonly series: string; readonly season: number; readonly episode: number; readonly path: string }

const path = (key: string) => `/api/anime/${encodeURIComponent(key)}`;

export const listAnime = (api: ApiClient, signal?: AbortSignal) => api.get<AnimeSummary[]>('/api/anime', signal);
export const getAnime = (api: ApiClient, key: string, signal?: AbortSignal) => api.get<AnimeDetail>(path(key), signal);
export const searchAnime = (api: ApiClient, query: string) => api.post<SearchResult[]>('/api/anime/search', { query });
export const addAnime = (api: ApiClient, input: { key: string; monitored: boolean; folder?: string }) => api.post<AnimeDetail>('/api/anime/add', input);
export const updateAnime = (api: ApiClient, key: string, patch: { monitored?: boolean; preferred_language?: Language | null; upgrade_language?: boolean }) => api.patch<AnimeDetail>(path(key), patch);
export const deleteAnime = (api: ApiClient, key: string, deleteFiles: boolean) => api.delete<{ key: string; folder: string; files_deleted: boolean }>(`${path(key)}?delete_files=${deleteFiles}`);
export const rescanLibrary = (api: ApiClient) => api.post<{ status: 'started' | 'running' }>('/api/anime/rescan');
export const rescanAnime = (api: ApiClient, key: string) => api.post<unknown>(`${path(key)}/rescan`);
export const refreshAnime = (api: ApiClient, key: string) => api.post<{ anime: AnimeDetail }>(`${path(key)}/refresh`);
export const importCandidates = (api: ApiClient, offset = 0, limit = 20) => api.get<{ total: number; offset: number; limit: number; ignored: number; items: ImportCandidate[] }>(`/api/anime/import?offset=${offset}&limit=${limit}`);
export const importAll = (api: ApiClient, monitored: boolean) => api.post<ImportAllResult>('/api/anime/import/all', { monitored });
export const ignoredFolders = (api: ApiClient) => api.get<{ folders: { folder: string; ignored_at: string }[] }>('/api/anime/import/ignored');
export const ignoreFolder = (api: ApiClient, folder: string) => api.post<{ folder: string; ignored: true }>('/api/anime/import/ignored', { folder });
export const unignoreFolder = (api: ApiClient, folder: string) => api.delete<{ folder: string; ignored: false }>(`/api/anime/import/ignored/${encodeURIComponent(folder)}`);
export const importFolder = (api: ApiClient, input: { folder: string; key: string; monitored: boolean }) => api.post<AnimeDetail>('/api/anime/import', input);
export const previewNaming = (api: ApiClient, templates: { episode_template: string; season_folder_template: string }) =>
  api.post<{ examples: NamingExample[] }>('/api/anime/naming/preview', templates);

/** Missing episodes as a flat, ordered list of {season, episode}. */
export function missingList(missing: MissingEpisodes): { season: number; episode: number }[] {
  return Object.entries(missing)
    .flatMap(([season, numbers]) => numbers.map((episode) => ({ season: Number(season), episode })))
    .sort((a, b) => a.season - b.season || a.episode - b.episode);
}

export type LibrarySort = 'name' | 'missing' | 'year' | 'added';

export interface LibraryFilter {
  readonly search: string;
  readonly missingOnly: boolean;
  readonly monitored: 'all' | 'monitored' | 'unmonitored';
  readonly sort: LibrarySort;
}

/** The library page's filter and sort, pure so that it is tested without a browser. */
export function filterLibrary(items: readonly AnimeSummary[], filter: LibraryFilter): AnimeSummary[] {
  const needle = filter.search.trim().toLowerCase();
  const result = items.filter((item) => {
    if (filter.missingOnly && item.missing_count === 0) return false;
    if (filter.monitored === 'monitored' && !item.monitored) return false;
    if (filter.monitored === 'unmonitored' && item.monitored) return false;
    if (needle && !item.name.toLowerCase().includes(needle) && !item.folder.toLowerCase().includes(needle) && !item.key.includes(needle)) return false;
    return true;
  });
  const byName = (a: AnimeSummary, b: AnimeSummary) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });
  switch (filter.sort) {
    case 'missing': return result.sort((a, b) => b.missing_count - a.missing_count || byName(a, b));
    case 'year': return result.sort((a, b) => (b.year ?? 0) - (a.year ?? 0) || byName(a, b));
    case 'added': return result.reverse();
    default: return result.sort(byName);
  }
}

const MONITORED = ['all', 'monitored', 'unmonitored'] as const;
const SORTS = ['name', 'missing', 'year'] as const;

/** `?q=&missing=1&monitored=&sort=`: only what differs from the defaults. */
export function filterToQuery(filter: LibraryFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.search) query.set('q', filter.search);
  if (filter.missingOnly) query.set('missing', '1');
  if (filter.monitored !== 'all') query.set('monitored', filter.monitored);
  if (filter.sort !== 'name') query.set('sort', filter.sort);
  return query;
}

export function filterFromQuery(query: URLSearchParams): LibraryFilter {
  const monitored = query.get('monitored');
  const sort = query.get('sort');
  return {
    search: query.get('q') ?? '',
    missingOnly: query.get('missing') === '1',
    monitored: (MONITORED as readonly string[]).includes(monitored ?? '') ? (monitored as LibraryFilter['monitored']) : 'all',
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as LibrarySort) : 'name',
  };
}
