import type { DownloadProgress, EventMap } from '../../contract/index.ts';

/** The item fields every download_* event carries. */
export const sampleItem = { item_id: 'i1', key: 'one-piece', folder: 'One Piece', season: 1, episode: 1 };

/** A progress value in the contract's one shape, from a percent of `total` bytes. */
export function sampleProgress(percent: number, total = 100 * 1024 * 1024): DownloadProgress {
  const bytes = Math.round((total * percent) / 100);
  const mb = (value: number) => Math.round((value / 1024 / 1024) * 100) / 100;
  return {
    percent,
    downloaded_bytes: bytes,
    total_bytes: total,
    downloaded_mb: mb(bytes),
    total_mb: mb(total),
    speed_bytes_per_second: 1024 * 1024,
    speed_mbps: 1,
    eta_seconds: 10,
  };
}

/** Valid payloads of the events tests publish themselves; spread and override what a test is about. */
export const samples = {
  download_added: { ...sampleItem, serie_name: 'One Piece', priority: 0, language: null },
  download_progress: { ...sampleItem, progress: sampleProgress(50) },
  download_complete: {
    ...sampleItem,
    serie_name: 'One Piece',
    file_path: '/media/One Piece/Season 01/One Piece - S01E01.mkv',
    size: 1024,
    hoster: 'VOE',
    language: 'German Dub',
  },
  download_failed: { ...sampleItem, serie_name: 'One Piece', error: 'No hoster answered', attempts: 3 },
  download_removed: sampleItem,
  scan_started: { scope: 'library' },
  scan_complete: {
    scope: 'library',
    folders: 1,
    series: 1,
    changed: 0,
    linked: 0,
    unknown_folders: [],
    episodes_added: 0,
    episodes_updated: 0,
    episodes_removed: 0,
    duration_ms: 1,
  },
  series_added: { key: 'one-piece', folder: 'One Piece', name: 'One Piece', imported: false },
  series_removed: { key: 'one-piece', folder: 'One Piece', files_deleted: false },
  health_issue: { component: 'provider', message: 'The provider does not answer', status: 'down' },
} satisfies Partial<{ [K in keyof EventMap]: EventMap[K] }>;
