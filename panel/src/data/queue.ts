import type { ApiClient } from './api-client.ts';

export type DownloadStatus = 'pending' | 'downloading' | 'paused' | 'completed' | 'failed' | 'cancelled';

/** One queued episode as the panel uses it (see normalizeItem for the wire names it accepts). */
export interface DownloadItem {
  readonly id: string;
  readonly key: string;
  readonly folder: string;
  readonly name: string;
  readonly season: number;
  readonly episode: number;
  readonly status: DownloadStatus;
  readonly priority: number;
  /** percent 0..100 */
  readonly progress: number;
  readonly downloadedBytes: number;
  readonly totalBytes: number | null;
  /** bytes per second */
  readonly speed: number;
  /** seconds */
  readonly eta: number | null;
  readonly attempts: number;
  readonly error: string | null;
  readonly language: string | null;
  /** An upgrade: the language of the file on disk it replaces (`language` is the one it brings). */
  readonly upgradeFrom: string | null;
  readonly hoster: string | null;
  readonly filePath: string | null;
  readonly createdAt: string | null;
  readonly completedAt: string | null;
}

/** Set while an outage holds the queue (the provider is unwell, the disk is full). */
export interface QueueHold {
  readonly reason: 'provider' | 'disk_full';
  readonly message: string;
}

export interface QueueStatus {
  readonly isRunning: boolean;
  readonly isPaused: boolean;
  readonly waiting: QueueHold | null;
  readonly active: DownloadItem[];
  readonly pending: DownloadItem[];
  readonly completed: DownloadItem[];
  readonly failed: DownloadItem[];
  readonly statistics: Record<string, unknown>;
}

type Raw = Record<string, unknown>;
const num = (value: unknown, fallback = 0) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
const MB = 1024 * 1024;
const firstNumber = (...values: unknown[]): number | null => (values.find((value) => typeof value === 'number' && Number.isFinite(value)) as number | undefined) ?? null;
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/** Accepts the queue's snake_case wire item; nested `progress` objects of the original app are understood too. */
export function normalizeItem(raw: Raw): DownloadItem {
  const progress = typeof raw.progress === 'object' && raw.progress !== null ? raw.progress as Raw : undefined;
  const episode = typeof raw.episode === 'object' && raw.episode !== null ? raw.episode as Raw : undefined;
  return {
    id: String(raw.id ?? raw.item_id ?? ''),
    key: String(raw.serie_id ?? raw.key ?? raw.series_key ?? ''),
    folder: String(raw.serie_folder ?? raw.folder ?? raw.series_folder ?? ''),
    name: String(raw.serie_name ?? raw.name ?? raw.series_name ?? raw.serie_id ?? ''),
    season: num(episode?.season ?? raw.season),
    episode: num(episode?.episode ?? raw.episode),
    status: (str(raw.status) ?? 'pending') as DownloadStatus,
    priority: typeof raw.priority === 'number' ? raw.priority : raw.priority === 'high' ? 10 : raw.priority === 'low' ? -10 : 0,
    progress: num(progress ? progress.percent : raw.progress),
    downloadedBytes: num(raw.downloaded_bytes ?? progress?.downloaded_bytes ?? (progress ? num(progress.downloaded_mb) * MB : 0)),
    totalBytes: firstNumber(raw.total_bytes, progress?.total_bytes, progress && typeof progress.total_mb === 'number' ? progress.total_mb * MB : null),
    speed: num(raw.speed ?? raw.speed_bytes_per_second ?? progress?.speed_bytes_per_second ?? (progress ? num(progress.speed_mbps) * MB : 0)),
    eta: firstNumber(raw.eta, raw.eta_seconds, progress?.eta_seconds),
    attempts: num(raw.attempts ?? raw.retry_count),
    error: str(raw.last_error ?? raw.error),
    language: str(raw.language_used ?? raw.language),
    upgradeFrom: str(raw.upgrade_from),
    hoster: str(raw.hoster),
    filePath: str(raw.file_path),
    createdAt: str(raw.created_at ?? raw.added_at),
    completedAt: str(raw.completed_at),
  };
}

const list = (value: unknown) => (Array.isArray(value) ? value.map((item) => normalizeItem(item as Raw)) : []);

export function normalizeStatus(raw: Raw): QueueStatus {
  const body = (typeof raw.status === 'object' && raw.status !== null ? raw.status : raw) as Raw;
  return {
    isRunning: Boolean(body.is_running),
    isPaused: Boolean(body.is_paused),
    waiting: holdOf(body.waiting),
    active: list(body.active_downloads),
    pending: list(body.pending_queue),
    completed: list(body.completed_downloads),
    failed: list(body.failed_downloads),
    statistics: (typeof body.statistics === 'object' && body.statistics !== null ? body.statistics : {}) as Record<string, unknown>,
  };
}

function holdOf(raw: unknown): QueueHold | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { reason, message } = raw as Raw;
  return { reason: reason === 'disk_full' ? 'disk_full' : 'provider', message: typeof message === 'string' ? message : '' };
}

/** Applies a download_progress message to the item it names. */
export function applyProgress(item: DownloadItem, data: Raw): DownloadItem {
  const next = normalizeItem({ ...data, id: item.id });
  return {
    ...item,
    status: (str(data.status) as DownloadStatus | null) ?? (item.status === 'pending' ? 'downloading' : item.status),
    progress: data.progress !== undefined ? next.progress : item.progress,
    downloadedBytes: data.downloaded_bytes !== undefined ? next.downloadedBytes : item.downloadedBytes,
    totalBytes: next.totalBytes ?? item.totalBytes,
    speed: data.speed !== undefined || data.speed_bytes_per_second !== undefined ? next.speed : item.speed,
    eta: data.eta !== undefined || data.eta_seconds !== undefined ? next.eta : item.eta,
  };
}

export const getQueue = async (api: ApiClient, signal?: AbortSignal) => normalizeStatus(await api.get<Raw>('/api/queue/status', signal));
export const addToQueue = (api: ApiClient, input: { key: string; folder: string; name: string; episodes: { season: number; episode: number }[]; priority?: number }) =>
  api.post<Raw>('/api/queue/add', {
    serie_id: input.key,
    serie_folder: input.folder,
    serie_name: input.name,
    episodes: input.episodes,
    priority: input.priority ?? 0,
  });
export const removeFromQueue = (api: ApiClient, id: string) => api.delete<unknown>(`/api/queue/${encodeURIComponent(id)}`);
export const queueAction = (api: ApiClient, action: 'start' | 'stop' | 'pause' | 'resume') => api.post<unknown>(`/api/queue/${action}`);
export const retryItems = (api: ApiClient, ids?: string[]) => api.post<unknown>('/api/queue/retry', ids ? { item_ids: ids } : {});
export const clearCompleted = (api: ApiClient) => api.delete<unknown>('/api/queue/completed');
/** Stops the item and keeps it (and its .part) in the history; retry resumes it. */
export const cancelItem = (api: ApiClient, id: string) => api.post<unknown>(`/api/queue/${encodeURIComponent(id)}/cancel`);
export const pauseItem = (api: ApiClient, id: string) => api.post<unknown>(`/api/queue/${encodeURIComponent(id)}/pause`);
export const resumeItem = (api: ApiClient, id: string) => api.post<unknown>(`/api/queue/${encodeURIComponent(id)}/resume`);
export const setPriority = (api: ApiClient, id: string, priority: number) => api.patch<unknown>(`/api/queue/${encodeURIComponent(id)}`, { priority });
export const reorderQueue = (api: ApiClient, ids: string[]) => api.post<unknown>('/api/queue/reorder', { item_ids: ids });

/** Queue items by "key/season/episode", the newest state winning, for showing episode states. */
export function itemsByEpisode(status: QueueStatus): Map<string, DownloadItem> {
  const map = new Map<string, DownloadItem>();
  // An episode downloaded twice (an upgrade) has two finished items: the one that finished last counts.
  const finished = [...status.completed].sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? ''));
  for (const item of [...finished, ...status.failed, ...status.pending, ...status.active]) map.set(episodeId(item.key, item.season, item.episode), item);
  return map;
}

export function episodeId(key: string, season: number, episode: number): string {
  return `${key}/${season}/${episode}`;
}
