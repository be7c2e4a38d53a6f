import { describe, expect, it } from 'vitest';
import type { DownloadItem as WireDownloadItem, DownloadProgress, QueueStatus as WireQueueStatus } from '../../../contract/index.ts';
import { applyItemEvent, applyProgress, itemsByEpisode, normalizeItem, normalizeStatus } from './queue.ts';

const progress: DownloadProgress = { percent: 42.5, downloaded_bytes: 4_250_000, total_bytes: 10_000_000, downloaded_mb: 4.05, total_mb: 9.54, speed_bytes_per_second: 1_048_576, speed_mbps: 1, eta_seconds: 6 };

// The wire shape of GET /api/queue/status items (contract/queue.ts).
const wireItem: WireDownloadItem = {
  id: 'a1', key: 'demo-academy', folder: 'Demo Academy (2019)', serie_name: 'Demo Academy',
  season: 1, episode: 2, status: 'downloading', priority: 10, language: null, kind: 'download', upgrade_from: null, language_used: 'German Dub', hoster: 'VOE',
  progress, attempts: 1, error: null, file_path: null, added_at: '2026-11-24T03:00:00.000Z', updated_at: '2026-11-24T03:00:01.000Z', started_at: null, completed_at: null,
};

const statistics: WireQueueStatus['statistics'] = { total_items: 2, pending_count: 1, paused_count: 0, active_count: 1, completed_count: 0, failed_count: 0, total_downloaded_mb: 0, current_speed_mbps: 1, concurrency: 2, speed_limit_bytes_per_second: 0 };

describe('normalizeItem', () => {
  it('reads the queue wire item', () => {
    expect(normalizeItem(wireItem)).toMatchObject({
      id: 'a1', key: 'demo-academy', folder: 'Demo Academy (2019)', name: 'Demo Academy', season: 1, episode: 2, status: 'downloading', priority: 10,
      progress: 42.5, downloadedBytes: 4_250_000, totalBytes: 10_000_000, speed: 1_048_576, eta: 6, language: 'German Dub', hoster: 'VOE', createdAt: '2026-11-24T03:00:00.000Z',
    });
  });

  it('shows the language asked for until one was used, and the failure reason', () => {
    const item = normalizeItem({ ...wireItem, status: 'failed', language: 'German Sub', language_used: null, error: 'No hoster had the episode' });
    expect(item.language).toBe('German Sub');
    expect(item.error).toBe('No hoster had the episode');
  });
});

describe('applyProgress', () => {
  it('takes the numbers of a download_progress message (hub payload)', () => {
    const item = normalizeItem({ ...wireItem, status: 'pending', progress: { ...progress, percent: 0, downloaded_bytes: 0 } });
    const next = applyProgress(item, { item_id: 'a1', key: 'demo-academy', folder: 'x', season: 1, episode: 2, progress: { ...progress, percent: 99.5, downloaded_bytes: 9_950_000, speed_bytes_per_second: 2_000_000, eta_seconds: 0 } });
    expect(next).toMatchObject({ status: 'downloading', progress: 99.5, downloadedBytes: 9_950_000, speed: 2_000_000, eta: 0, name: 'Demo Academy' });
  });
});

describe('applyItemEvent', () => {
  const base = { item_id: 'n1', key: 'demo-academy', folder: 'Demo Academy (2019)', season: 1, episode: 5, serie_name: 'Demo Academy' };

  it('makes an item from download_added and finishes it with download_complete', () => {
    const added = applyItemEvent(undefined, { ...base, priority: 10, language: 'German Dub' }, 'pending');
    expect(added).toMatchObject({ id: 'n1', key: 'demo-academy', name: 'Demo Academy', episode: 5, status: 'pending', priority: 10, language: 'German Dub', progress: 0 });
    const done = applyItemEvent(added, { ...base, file_path: '/media/x.mp4', size: 5, hoster: 'VOE', language: 'German Dub' }, 'completed');
    expect(done).toMatchObject({ status: 'completed', progress: 100, filePath: '/media/x.mp4', hoster: 'VOE', priority: 10 });
  });

  it('keeps the reason and attempts of download_failed', () => {
    expect(applyItemEvent(undefined, { ...base, error: 'No hoster', attempts: 3 }, 'failed')).toMatchObject({ status: 'failed', error: 'No hoster', attempts: 3 });
  });
});

describe('normalizeStatus', () => {
  it('groups the lists and indexes items by episode', () => {
    const status = normalizeStatus({ is_running: true, is_paused: false, waiting: null, active_downloads: [wireItem], pending_queue: [{ ...wireItem, id: 'b', episode: 3, status: 'pending' }], completed_downloads: [], failed_downloads: [], statistics });
    expect(status.isRunning).toBe(true);
    expect(status.active).toHaveLength(1);
    expect(status.pending[0].episode).toBe(3);
    expect([...itemsByEpisode(status).keys()]).toEqual(['demo-academy/1/3', 'demo-academy/1/2']);
  });
});

describe('itemsByEpisode after an upgrade', () => {
  it('shows the item that finished last, with the language it replaced', () => {
    const first: WireDownloadItem = { ...wireItem, id: 'old', status: 'completed', completed_at: '2026-12-01T10:00:00.000Z', kind: 'download', upgrade_from: null };
    const upgrade: WireDownloadItem = { ...wireItem, id: 'new', status: 'completed', completed_at: '2026-12-02T10:00:00.000Z', kind: 'upgrade', upgrade_from: 'German Sub', language: 'German Dub' };
    for (const completed of [[upgrade, first], [first, upgrade]]) {
      const status = normalizeStatus({ is_running: true, is_paused: false, waiting: null, active_downloads: [], pending_queue: [], completed_downloads: completed, failed_downloads: [], statistics });
      expect(itemsByEpisode(status).get('demo-academy/1/2')).toMatchObject({ id: 'new', upgradeFrom: 'German Sub' });
    }
  });
});
