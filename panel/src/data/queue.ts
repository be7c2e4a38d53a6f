import type { DownloadItem as WireDownloadItem, DownloadProgress, EventMap, QueueHold as WireQueueHold, QueueStatus as WireQueueStatus } from '../../../contract/index.ts';
import type { ApiClient } from './api-client.ts';

export type { DownloadStatus } from '../../../contract/index.ts';
import type { DownloadStatus } from '../../../contract/index.ts';

/** One queued episode as the panel uses it (from the wire item of `contract/queue.ts`). */
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

export type QueueHold = Pick<WireQueueHold, 'reason' | 'message'>;

export interface QueueStatus {
  readonly isRunning: boolean;
  readonly isPaused: boolean;
  readonly waiting: QueueHold | null;
  readonly active: DownloadItem[];
  readonly pending: DownloadItem[];
  readonly completed: DownloadItem[];
  readonly failed: DownloadItem[];
  readonly statistics: WireQueueStatus['statistics'];
}

/** The panel's view of a wire queue item; the language shown is the one used, else the one asked for. */
export function normalizeItem(raw: WireDownloadItem): DownloadItem {
  return {
    id: raw.id,
    key: raw.key,
    folder: raw.folder,
    name: raw.serie_name,
    season: raw.season,
    episode: raw.episode,
    status: raw.status,
    priority: raw.priority,
    ...fromProgress(raw.progress),
    attempts: raw.attempts,
    error: raw.error,
    language: raw.language_used ?? raw.language,
    upgradeFrom: raw.upgrade_from,
    hoster: raw.hoster,
    filePath: raw.file_path,
    createdAt: raw.added_at,
    completedAt: raw.completed_at,
  };
}

function fromProgress(progress: DownloadProgress) {
  return { progress: progress.percent, downloadedBytes: progress.downloaded_bytes, totalBytes: progress.total_bytes, speed: progress.speed_bytes_per_second, eta: progress.eta_seconds };
}

export function normalizeStatus(raw: WireQueueStatus): QueueStatus {
  return {
    isRunning: raw.is_running,
    isPaused: raw.is_paused,
    waiting: raw.waiting ? { reason: raw.waiting.reason, message: raw.waiting.message } : null,
    active: raw.active_downloads.map(normalizeItem),
    pending: raw.pending_queue.map(normalizeItem),
    completed: raw.completed_downloads.map(normalizeItem),
    failed: raw.failed_downloads.map(normalizeItem),
    statistics: raw.statistics,
  };
}

type ItemEvent = EventMap['download_added'] | EventMap['download_complete'] | EventMap['download_failed'];

/** The item after a download_added, download_complete or download_failed event (`current`: what the panel knew). */
export function applyItemEvent(current: DownloadItem | undefined, data: ItemEvent, status: DownloadStatus): DownloadItem {
  const item: DownloadItem = current ?? {
    id: data.item_id, key: data.key, folder: data.folder, name: data.serie_name, season: data.season, episode: data.episode, status, priority: 0,
    progress: 0, downloadedBytes: 0, totalBytes: null, speed: 0, eta: null, attempts: 0, error: null, language: null, upgradeFrom: null, hoster: null, filePath: null, createdAt: null, completedAt: null,
  };
  if ('priority' in data) return { ...item, status, priority: data.priority, language: data.language, upgradeFrom: data.upgrade_from ?? null };
  if ('file_path' in data) return { ...item, status, progress: 100, filePath: data.file_path, hoster: data.hoster, language: data.language, error: null, eta: null, speed: 0 };
  return { ...item, status, error: data.error, attempts: data.attempts, speed: 0, eta: null };
}

/** Applies a download_progress message to the item it names; a pending item is downloading now. */
export function applyProgress(item: DownloadItem, data: EventMap['download_progress']): DownloadItem {
  return { ...item, status: item.status === 'pending' ? 'downloading' : item.status, ...fromProgress(data.progress) };
}

export const getQueue = async (api: ApiClient, signal?: AbortSignal) => normalizeStatus(await api.get<WireQueueStatus>('/api/queue/status', signal));
export const addToQueue = (api: ApiClient, input: { key: string; folder: string; name: string; episodes: { season: number; episode: number }[]; priority?: number }) =>
  api.post<unknown>('/api/queue/add', {
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
