import type { IDownloadItem } from './download-item.entity.ts';
import type { TransferProgress } from '../../downloads/progress.ts';

const MB = 1024 * 1024;
const round = (value: number) => Math.round(value * 100) / 100;

/** The wire shape of one queue item (snake_case; `serie_*` names kept from the original API, `key`/`folder` as everywhere else). */
export function downloadItemView(item: IDownloadItem, live?: TransferProgress) {
  const bytes = live?.bytes ?? Number(item.downloadedBytes);
  const total = live?.total ?? (item.totalBytes != null ? Number(item.totalBytes) : null);
  const speed = live?.speed ?? Number(item.speed);
  const percent = live?.percent ?? Number(item.progress);
  const eta = live ? live.etaSeconds : item.eta ?? null;
  return {
    id: item.id,
    key: item.seriesKey,
    folder: item.seriesFolder,
    serie_id: item.seriesKey,
    serie_folder: item.seriesFolder,
    serie_name: item.seriesName,
    season: item.season,
    episode: item.episode,
    status: item.status,
    priority: item.priority,
    language: item.language ?? null,
    /** `upgrade`: the file replaces one on disk in `upgrade_from` (a lower language). */
    kind: item.upgradeFrom != null ? 'upgrade' as const : 'download' as const,
    upgrade_from: item.upgradeFrom ?? null,
    language_used: item.languageUsed ?? null,
    hoster: item.hoster ?? null,
    progress: {
      percent,
      downloaded_bytes: bytes,
      total_bytes: total,
      downloaded_mb: round(bytes / MB),
      total_mb: total !== null ? round(total / MB) : null,
      speed_bytes_per_second: speed,
      speed_mbps: round(speed / MB),
      eta_seconds: item.status === 'downloading' ? eta : null,
    },
    attempts: item.attempts,
    error: item.lastError ?? null,
    file_path: item.status === 'completed' ? item.filePath ?? null : null,
    added_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
    started_at: iso(item.startedAt),
    completed_at: iso(item.completedAt),
  };
}

export type DownloadItemView = ReturnType<typeof downloadItemView>;

function iso(value: Date | null | undefined): string | null {
  return value ? new Date(value).toISOString() : null;
}
