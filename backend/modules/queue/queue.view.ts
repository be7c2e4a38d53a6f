import type { DownloadItem, DownloadProgress } from '../../../contract/index.ts';
import type { IDownloadItem } from './download-item.entity.ts';
import type { TransferProgress } from '../../downloads/progress.ts';

const MB = 1024 * 1024;
const round = (value: number) => Math.round(value * 100) / 100;

/** The wire shape of a transfer's progress, the same in queue items and `download_progress` events. */
export function progressView(progress: { percent: number; bytes: number; total: number | null; speed: number; etaSeconds: number | null }): DownloadProgress {
  return {
    percent: progress.percent,
    downloaded_bytes: progress.bytes,
    total_bytes: progress.total,
    downloaded_mb: round(progress.bytes / MB),
    total_mb: progress.total !== null ? round(progress.total / MB) : null,
    speed_bytes_per_second: progress.speed,
    speed_mbps: round(progress.speed / MB),
    eta_seconds: progress.etaSeconds,
  };
}

/** The wire shape of one queue item (`contract/queue.ts`). */
export function downloadItemView(item: IDownloadItem, live?: TransferProgress): DownloadItem {
  const eta = live ? live.etaSeconds : (item.eta ?? null);
  return {
    id: item.id,
    key: item.seriesKey,
    folder: item.seriesFolder,
    serie_name: item.seriesName,
    season: item.season,
    episode: item.episode,
    status: item.status,
    priority: item.priority,
    language: item.language ?? null,
    /** `upgrade`: the file replaces one on disk in `upgrade_from` (a lower language). */
    kind: item.upgradeFrom != null ? ('upgrade' as const) : ('download' as const),
    upgrade_from: item.upgradeFrom ?? null,
    language_used: item.languageUsed ?? null,
    hoster: item.hoster ?? null,
    progress: progressView({
      percent: live?.percent ?? Number(item.progress),
      bytes: live?.bytes ?? Number(item.downloadedBytes),
      total: live?.total ?? (item.totalBytes != null ? Number(item.totalBytes) : null),
      speed: live?.speed ?? Number(item.speed),
      etaSeconds: item.status === 'downloading' ? eta : null,
    }),
    attempts: item.attempts,
    error: item.lastError ?? null,
    file_path: item.status === 'completed' ? (item.filePath ?? null) : null,
    added_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
    started_at: iso(item.startedAt),
    completed_at: iso(item.completedAt),
  };
}

export type DownloadItemView = DownloadItem;

function iso(value: Date | null | undefined): string | null {
  return value ? new Date(value).toISOString() : null;
}
