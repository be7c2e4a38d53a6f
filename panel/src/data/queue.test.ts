import { describe, expect, it } from 'vitest';
import { applyProgress, itemsByEpisode, normalizeItem, normalizeStatus } from './queue.ts';

// The wire shape of GET /api/queue/status items (queue.view.ts).
const wireItem = {
  id: 'a1', key: 'demo-academy', folder: 'Demo Academy (2019)', serie_id: 'demo-academy', serie_folder: 'Demo Academy (2019)', serie_name: 'Demo Academy',
  season: 1, episode: 2, status: 'downloading', priority: 10, language: null, language_used: 'German Dub', hoster: 'VOE',
  progress: { percent: 42.5, downloaded_bytes: 4_250_000, total_bytes: 10_000_000, downloaded_mb: 4.05, total_mb: 9.54, speed_bytes_per_second: 1_048_576, speed_mbps: 1, eta_seconds: 6 },
  attempts: 1, error: null, file_path: null, added_at: '2026-11-24T03:00:00.000Z', updated_at: '2026-11-24T03:00:01.000Z', started_at: null, completed_at: null,
};

describe('normalizeItem', () => {
  it('reads the queue wire item', () => {
    expect(normalizeItem(wireItem)).toMatchObject({
      id: 'a1', key: 'demo-academy', name: 'Demo Academy', season: 1, episode: 2, status: 'downloading', priority: 10,
      progress: 42.5, downloadedBytes: 4_250_000, totalBytes: 10_000_000, speed: 1_048_576, eta: 6, language: 'German Dub', hoster: 'VOE', createdAt: '2026-11-24T03:00:00.000Z',
    });
  });

  it('understands the original app\'s word priorities and a failure reason', () => {
    const item = normalizeItem({ ...wireItem, priority: 'high', status: 'failed', error: 'No hoster had the episode' });
    expect(item.priority).toBe(10);
    expect(item.error).toBe('No hoster had the episode');
  });
});

describe('applyProgress', () => {
  it('takes the numbers of a download_progress message (hub payload)', () => {
    const item = normalizeItem({ ...wireItem, status: 'pending', progress: { percent: 0 } });
    const next = applyProgress(item, { item_id: 'a1', key: 'demo-academy', folder: 'x', season: 1, episode: 2, progress: 99.5, downloaded_bytes: 9_950_000, total_bytes: 10_000_000, speed: 2_000_000, eta: 0 });
    expect(next).toMatchObject({ status: 'downloading', progress: 99.5, downloadedBytes: 9_950_000, speed: 2_000_000, eta: 0, name: 'Demo Academy' });
  });
});

describe('normalizeStatus', () => {
  it('groups the lists and indexes items by episode', () => {
    const status = normalizeStatus({ is_running: true, is_paused: false, active_downloads: [wireItem], pending_queue: [{ ...wireItem, id: 'b', episode: 3, status: 'pending' }], completed_downloads: [], failed_downloads: [], statistics: { total_items: 2 } });
    expect(status.isRunning).toBe(true);
    expect(status.active).toHaveLength(1);
    expect(status.pending[0].episode).toBe(3);
    expect([...itemsByEpisode(status).keys()]).toEqual(['demo-academy/1/3', 'demo-academy/1/2']);
  });
});

describe('itemsByEpisode after an upgrade', () => {
  it('shows the item that finished last, with the language it replaced', () => {
    const first = { ...wireItem, id: 'old', status: 'completed', completed_at: '2026-12-01T10:00:00.000Z', kind: 'download', upgrade_from: null };
    const upgrade = { ...wireItem, id: 'new', status: 'completed', completed_at: '2026-12-02T10:00:00.000Z', kind: 'upgrade', upgrade_from: 'German Sub', language: 'German Dub' };
    for (const completed of [[upgrade, first], [first, upgrade]]) {
      const status = normalizeStatus({ active_downloads: [], pending_queue: [], completed_downloads: completed, failed_downloads: [] });
      expect(itemsByEpisode(status).get('demo-academy/1/2')).toMatchObject({ id: 'new', upgradeFrom: 'German Sub' });
    }
  });
});
