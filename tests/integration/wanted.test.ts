import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { startQueueApp } from './queue-helpers.ts';

let site: FixtureSite;
let app: TestApp;
let token: string;
const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
const slots = (items: any[]) => items.map((item) => `${item.key} ${item.season}x${item.episode}`);

beforeAll(async () => {
  ({ site, app, token } = await startQueueApp({ series: ['demo-academy', 'still-running', 'hidden-languages', 'film-collection'] }));
  // Nothing may start downloading while the lists are read: the queue only collects.
  await call('POST', '/api/queue/stop');
  // One episode of Demo Academy is on disk, so it is not wanted.
  const season = join(app.mediaDir, 'Demo Academy (2019)', 'Season 01');
  await mkdir(season, { recursive: true });
  await writeFile(join(season, 'Demo Academy - S01E01 - Folge 1.mkv'), 'video');
  expect((await call('POST', '/api/anime/demo-academy/rescan')).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await app?.dispose();
  await site?.close();
});

describe('the wanted list', () => {
  it('lists the missing episodes of monitored series only, in library order, with a series facet', async () => {
    const unmonitor = await call('POST', '/api/anime/bulk', { action: 'unmonitor', keys: ['film-collection'] });
    expect(unmonitor.body).toMatchObject({ succeeded: 1, failed: 0, results: [{ key: 'film-collection', ok: true, monitored: false }] });

    const list = await call('GET', '/api/wanted');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ kind: 'missing', total: 8, offset: 0, limit: 50 });
    expect(slots(list.body.items)).toEqual([
      'demo-academy 1x2',
      'demo-academy 1x3',
      'demo-academy 2x1',
      'demo-academy 2x2',
      'hidden-languages 1x1',
      'hidden-languages 1x2',
      'still-running 1x1',
      'still-running 1x2',
    ]);
    expect(list.body.items[0]).toMatchObject({
      key: 'demo-academy',
      folder: 'Demo Academy (2019)',
      series_name: 'Demo Academy',
      title_de: 'Folge 2 der Staffel 1',
      languages: ['German Dub', 'German Sub'],
      queued: false,
    });
    expect(list.body.series).toEqual([
      { key: 'demo-academy', name: 'Demo Academy', count: 4 },
      { key: 'hidden-languages', name: 'Hidden Languages', count: 2 },
      { key: 'still-running', name: 'Still Running', count: 2 },
    ]);
    // Monitoring it again brings its films and episodes back.
    await call('POST', '/api/anime/bulk', { action: 'monitor', keys: ['film-collection'] });
    expect((await call('GET', '/api/wanted')).body.total).toBe(12);
    await call('POST', '/api/anime/bulk', { action: 'unmonitor', keys: ['film-collection'] });
  });

  it('filters by series, season and language, and pages', async () => {
    expect(slots((await call('GET', '/api/wanted?series=demo-academy&season=2')).body.items)).toEqual(['demo-academy 2x1', 'demo-academy 2x2']);
    const english = await call('GET', `/api/wanted?language=${encodeURIComponent('English Sub')}`);
    expect(slots(english.body.items)).toEqual(['hidden-languages 1x1', 'hidden-languages 1x2']);
    // The facet follows the language, not the series filter.
    expect(english.body.series).toEqual([{ key: 'hidden-languages', name: 'Hidden Languages', count: 2 }]);
    expect((await call('GET', '/api/wanted?series=film-collection')).body).toMatchObject({ total: 0, items: [] });

    const second = await call('GET', '/api/wanted?offset=3&limit=3');
    expect(second.body).toMatchObject({ total: 8, offset: 3, limit: 3 });
    expect(slots(second.body.items)).toEqual(['demo-academy 2x2', 'hidden-languages 1x1', 'hidden-languages 1x2']);
    expect((await call('GET', '/api/wanted?offset=8')).body.items).toEqual([]);

    for (const bad of ['season=-1', 'language=Klingon', 'limit=0', 'limit=501', 'series=Not%20A%20Key', 'kind=everything']) {
      const answer = await call('GET', `/api/wanted?${bad}`);
      expect(answer.status, bad).toBe(422);
      expect(answer.body.error.code).toBe('validation_error');
    }
  });

  it('queues a selection through the queue, series by series, and reports what it skipped', async () => {
    const download = await call('POST', '/api/wanted/download', {
      episodes: [
        { key: 'demo-academy', season: 1, episode: 2 },
        { key: 'still-running', season: 1, episode: 1 },
        { key: 'demo-academy', season: 1, episode: 1 },
        { key: 'no-such-series', season: 1, episode: 1 },
      ],
    });
    expect(download.status).toBe(200);
    expect(download.body).toMatchObject({ queued: 2, skipped: 1 });
    expect(download.body.results).toEqual([
      { key: 'demo-academy', ok: true, item_ids: [expect.any(String)], skipped: [{ season: 1, episode: 1, reason: expect.stringMatching(/^not wanted/) }] },
      { key: 'no-such-series', ok: false, error: { code: 'not_found', message: 'No series with key "no-such-series" in the library' } },
      { key: 'still-running', ok: true, item_ids: [expect.any(String)], skipped: [] },
    ]);
    const status = (await call('GET', '/api/queue/status')).body;
    expect(status.pending_queue.map((item: any) => `${item.key} ${item.season}x${item.episode}`).sort()).toEqual(['demo-academy 1x2', 'still-running 1x1']);
    // Queued episodes stay wanted (nothing is on disk yet) and say they are queued.
    const queued = (await call('GET', '/api/wanted')).body.items.filter((item: any) => item.queued);
    expect(slots(queued)).toEqual(['demo-academy 1x2', 'still-running 1x1']);
    // Again: the queue's own rule skips what is already open.
    const again = await call('POST', '/api/wanted/download', { episodes: [{ key: 'still-running', season: 1, episode: 1 }] });
    expect(again.body).toMatchObject({ queued: 0, skipped: 1, results: [{ key: 'still-running', ok: true, skipped: [{ reason: 'already in the queue' }] }] });
  });

  it('queues everything the filters match, in the filtered language', async () => {
    const all = await call('POST', '/api/wanted/download', { all: true, season: 1, language: 'German Dub' });
    // The two queued before (in any language) are not queued a second time.
    expect(all.body).toMatchObject({ queued: 4, skipped: 2 });
    expect(
      all.body.results.map((result: any) => [
        result.key,
        result.item_ids.length,
        result.skipped.map((skip: any) => `${skip.season}x${skip.episode} ${skip.reason}`),
      ]),
    ).toEqual([
      ['demo-academy', 1, ['1x2 already in the queue']],
      ['hidden-languages', 2, []],
      ['still-running', 1, ['1x1 already in the queue']],
    ]);
    const pending = (await call('GET', '/api/queue/status')).body.pending_queue;
    expect(
      pending
        .filter((item: any) => item.language === 'German Dub')
        .map((item: any) => `${item.key} ${item.season}x${item.episode}`)
        .sort(),
    ).toEqual(['demo-academy 1x3', 'hidden-languages 1x1', 'hidden-languages 1x2', 'still-running 1x2']);
    for (const bad of [
      {},
      { all: false },
      { episodes: [] },
      { all: true, episodes: [{ key: 'demo-academy', season: 1, episode: 2 }] },
      { episodes: [{ key: 'demo-academy', season: 1, episode: 0 }] },
    ]) {
      const answer = await call('POST', '/api/wanted/download', bad);
      expect(answer.status, JSON.stringify(bad)).toBe(422);
    }
    expect((await call('DELETE', '/api/queue/completed')).status).toBe(200);
  });
});

describe('library bulk actions', () => {
  it('reports per series: one bad or unknown key does not fail the others', async () => {
    const refresh = await call('POST', '/api/anime/bulk', { action: 'refresh', keys: ['still-running', 'no-such-series', 'Bad Key!', 'still-running'] });
    expect(refresh.status).toBe(200);
    expect(refresh.body).toEqual({
      action: 'refresh',
      succeeded: 1,
      failed: 2,
      results: [
        { key: 'still-running', ok: true, seasons: 1, episodes: 2 },
        { key: 'no-such-series', ok: false, error: { code: 'not_found', message: 'No series with key "no-such-series"' } },
        { key: 'Bad Key!', ok: false, error: { code: 'validation_error', message: expect.stringContaining('is not a series key') } },
      ],
    });

    await call('POST', '/api/anime/bulk', { action: 'monitor', keys: ['film-collection'] });
    const missing = await call('POST', '/api/anime/bulk', { action: 'download_missing', keys: ['film-collection', 'gone'] });
    expect(missing.body).toMatchObject({
      succeeded: 1,
      failed: 1,
      results: [
        { key: 'film-collection', ok: true, item_ids: expect.any(Array), skipped: 0 },
        { key: 'gone', ok: false, error: { code: 'not_found' } },
      ],
    });
    expect(missing.body.results[0].item_ids).toHaveLength(4);
    const summaries = (await call('GET', '/api/anime')).body;
    expect(summaries.find((series: any) => series.key === 'film-collection').monitored).toBe(true);

    for (const bad of [{ action: 'monitor', keys: [] }, { action: 'explode', keys: ['demo-academy'] }, { keys: ['demo-academy'] }]) {
      expect((await call('POST', '/api/anime/bulk', bad)).status, JSON.stringify(bad)).toBe(422);
    }
    expect((await app.request('POST', '/api/anime/bulk', { body: { action: 'monitor', keys: ['demo-academy'] } })).status).toBe(401);
    expect((await app.request('GET', '/api/wanted')).status).toBe(401);
  });
});

describe('upgradable episodes', () => {
  it('lists files in a lower language whose wanted one is offered, as a list of their own, and queues them as upgrades', async () => {
    const season = join(app.mediaDir, 'Demo Academy (2019)', 'Season 02');
    await mkdir(season, { recursive: true });
    await writeFile(join(season, 'Demo Academy - S02E01 - (German Sub).mkv'), 'video');
    expect((await call('POST', '/api/anime/demo-academy/rescan')).status).toBe(200);

    const upgradable = await call('GET', '/api/wanted?kind=upgradable');
    expect(upgradable.body).toMatchObject({ kind: 'upgradable', total: 1, series: [{ key: 'demo-academy', name: 'Demo Academy', count: 1 }] });
    expect(upgradable.body.items).toEqual([
      expect.objectContaining({ key: 'demo-academy', season: 2, episode: 1, file_language: 'German Sub', upgrade_to: 'German Dub', queued: false }),
    ]);
    // It is on disk, so it is no longer missing; the missing list says nothing of upgrades.
    const missing = (await call('GET', '/api/wanted?series=demo-academy&season=2')).body;
    expect(slots(missing.items)).toEqual(['demo-academy 2x2']);
    expect(missing.items[0]).toMatchObject({ file_language: null, upgrade_to: null });
    expect((await call('GET', `/api/wanted?kind=upgradable&language=${encodeURIComponent('English Sub')}`)).body.total).toBe(0);

    // A selection from the missing list does not take an upgradable episode, nor the other way round.
    const wrongList = await call('POST', '/api/wanted/download', { episodes: [{ key: 'demo-academy', season: 2, episode: 1 }] });
    expect(wrongList.body).toMatchObject({ queued: 0, skipped: 1 });
    const upgrade = await call('POST', '/api/wanted/download', { kind: 'upgradable', episodes: [{ key: 'demo-academy', season: 2, episode: 1 }] });
    expect(upgrade.body).toMatchObject({ queued: 1, skipped: 0 });
    const item = (await call('GET', '/api/queue/status')).body.pending_queue.find((entry: any) => entry.id === upgrade.body.results[0].item_ids[0]);
    expect(item).toMatchObject({ key: 'demo-academy', season: 2, episode: 1, language: 'German Dub', kind: 'upgrade', upgrade_from: 'German Sub' });
    expect((await call('GET', '/api/wanted?kind=upgradable')).body.items[0].queued).toBe(true);
    const again = await call('POST', '/api/wanted/download', { all: true, kind: 'upgradable' });
    expect(again.body).toMatchObject({ queued: 0, skipped: 1, results: [{ key: 'demo-academy', ok: true, skipped: [{ reason: 'already in the queue' }] }] });

    // Upgrades off in the settings: the list is empty.
    await app.running.services.settings.patch({ downloads: { upgrade_language: false } });
    expect((await call('GET', '/api/wanted?kind=upgradable')).body.total).toBe(0);
    await app.running.services.settings.patch({ downloads: { upgrade_language: true } });
  });
});
