import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { inContext } from '../../backend/db/context.ts';
import { ActivityEntry } from '../../backend/modules/activity/activity-entry.entity.ts';
import { Episode } from '../../backend/modules/series/episode.entity.ts';
import { Series } from '../../backend/modules/series/series.entity.ts';
import { nextEvent, startQueueApp, waitUntil } from './queue-helpers.ts';

/** The activity log: real actions through the API leave entries; paging, the type filter and pruning. */
let site: FixtureSite;
let app: TestApp;
let token: string;

beforeAll(async () => {
  ({ site, app, token } = await startQueueApp({ series: [] }));
});
afterAll(async () => {
  await app?.dispose();
  await site?.close();
});

const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });

interface Item {
  id: number;
  type: string;
  timestamp: string;
  key: string | null;
  folder: string | null;
  data: Record<string, unknown>;
}

/** The log once every entry recorded so far is stored. */
async function activity(query = ''): Promise<{ total: number; offset: number; limit: number; items: Item[] }> {
  await app.running.services.activity.flushed();
  const answer = await call('GET', `/api/activity${query}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

describe('activity log', () => {
  it('needs authentication and refuses unknown types', async () => {
    expect((await app.request('GET', '/api/activity')).status).toBe(401);
    const bad = await call('GET', '/api/activity?type=download_complete,coffee_made');
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/unknown type coffee_made/);
    expect((await call('GET', '/api/activity?limit=0')).status).toBe(422);
  });

  it('records series added, imported and removed', async () => {
    expect((await call('POST', '/api/anime/add', { key: 'demo-academy' })).status).toBe(201);
    await mkdir(join(app.mediaDir, 'Still Running'), { recursive: true });
    await writeFile(join(app.mediaDir, 'Still Running', 'Still Running S01E01.mkv'), 'video');
    expect((await call('POST', '/api/anime/import', { folder: 'Still Running', key: 'still-running' })).status).toBe(201);
    expect((await call('POST', '/api/anime/add', { key: 'film-collection' })).status).toBe(201);
    expect((await call('DELETE', '/api/anime/film-collection?delete_files=true')).status).toBe(200);

    // (The first start's scheduled rescan is in the log too.)
    const log = await activity('?type=series_added,series_imported,series_removed');
    expect(log.items.map((item) => [item.type, item.key])).toEqual([
      ['series_removed', 'film-collection'],
      ['series_added', 'film-collection'],
      ['series_imported', 'still-running'],
      ['series_added', 'demo-academy'],
    ]);
    expect(log.items[3]).toMatchObject({ folder: 'Demo Academy (2019)', data: { name: 'Demo Academy' } });
    expect(log.items[0].data).toEqual({ files_deleted: true });
    // Newest first; each entry carries its time.
    expect(Date.parse(log.items[0].timestamp)).toBeGreaterThanOrEqual(Date.parse(log.items[3].timestamp));
  });

  it('records library scans with their counts and refreshes that found new episodes, not those that found none', async () => {
    const done = nextEvent(app, 'scan_complete', (event) => event.data.scope === 'library');
    expect((await call('POST', '/api/anime/rescan')).status).toBe(202);
    await done;
    const [scan] = (await activity('?type=scan_complete')).items;
    expect(scan).toMatchObject({ type: 'scan_complete', key: null, data: { scope: 'library', series: 2, folders: 2 } });
    expect(scan.data.duration_ms).toEqual(expect.any(Number));

    expect((await call('POST', '/api/anime/demo-academy/refresh')).status).toBe(200);
    expect((await activity('?type=series_refreshed')).total).toBe(0);
    // As if the provider listed an episode it did not list at the last refresh.
    await inContext(app.running.orm, async () => {
      const series = await app.running.orm.em.findOneOrFail(Series, { key: 'demo-academy' });
      await app.running.orm.em.nativeDelete(Episode, { series, season: 2, number: 2 });
    });
    expect((await call('POST', '/api/anime/demo-academy/refresh')).status).toBe(200);
    const refreshed = (await activity('?type=series_refreshed')).items;
    expect(refreshed).toEqual([expect.objectContaining({ key: 'demo-academy', data: { name: 'Demo Academy', new_episodes: 1, episodes: 5, seasons: 2 } })]);
  });

  it('records downloads started, finished and failed', async () => {
    const complete = nextEvent(app, 'download_complete', (event) => event.data.key === 'demo-academy');
    expect((await call('POST', '/api/queue/add', { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 1 }] })).status).toBe(201);
    await complete;
    const failed = nextEvent(app, 'download_failed', (event) => event.data.key === 'demo-academy');
    expect((await call('POST', '/api/queue/add', { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 2 }], language: 'English Dub' })).status).toBe(
      201,
    );
    await failed;

    const downloads = (await activity('?type=download_started,download_complete,download_failed')).items;
    expect(downloads.map((item) => [item.type, item.data.episode])).toEqual([
      ['download_failed', 2],
      ['download_started', 2],
      ['download_complete', 1],
      ['download_started', 1],
    ]);
    expect(downloads[2].data).toMatchObject({
      season: 1,
      episode: 1,
      serie_name: 'Demo Academy',
      hoster: 'Vidoza',
      language: 'German Dub',
      size: expect.any(Number),
    });
    expect(downloads[0].data.error).toMatch(/No hoster offers English Dub for S01E02/);
    expect(downloads[3].data).toMatchObject({ attempt: 1 });
  });

  it('records renames and settings changes, naming the keys but never a value', async () => {
    expect((await call('POST', '/api/anime/still-running/rename')).body.moves).toHaveLength(1);
    const [renamed] = (await activity('?type=episodes_renamed')).items;
    expect(renamed).toMatchObject({ key: 'still-running', folder: 'Still Running', data: { renamed: 1, files: 1, clashes: 0, failed: 0 } });

    const secretish = 'http://user:hunter2@flaresolverr.local:8191';
    expect((await call('PUT', '/api/config', { provider: { flaresolverr_url: secretish }, downloads: { concurrency: 3 } })).status).toBe(200);
    const [changed] = (await activity('?type=settings_changed')).items;
    expect(changed.data).toEqual({ keys: ['downloads.concurrency', 'provider.flaresolverr_url'] });
    expect(JSON.stringify(await activity())).not.toContain('hunter2');
  });

  it('pages newest first and filters by type', async () => {
    const all = await activity('?limit=500');
    expect(all.total).toBe(all.items.length);
    expect(all.total).toBeGreaterThanOrEqual(12);
    const first = await activity('?offset=0&limit=3');
    const second = await activity('?offset=3&limit=3');
    expect(first).toMatchObject({ total: all.total, offset: 0, limit: 3 });
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual(all.items.slice(0, 6).map((item) => item.id));
    const ids = all.items.map((item) => item.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const series = await activity('?type=series_added,series_imported');
    expect(series.total).toBe(3);
    expect(new Set(series.items.map((item) => item.type))).toEqual(new Set(['series_added', 'series_imported']));
    expect((await activity('?type=provider_check')).total).toBe(0);
  });

  it('prunes entries older than library.activity_retention_days in the daily prune-activity job', async () => {
    await app.running.services.settings.patch({ library: { activity_retention_days: 30 } });
    const day = 24 * 3600_000;
    await inContext(app.running.orm, async () => {
      const em = app.running.orm.em;
      await em.insert(ActivityEntry, {
        type: 'series_added',
        seriesKey: 'ancient',
        folder: 'Ancient',
        data: { name: 'Ancient' },
        createdAt: new Date(Date.now() - 31 * day),
      } as never);
      await em.insert(ActivityEntry, {
        type: 'series_added',
        seriesKey: 'recent',
        folder: 'Recent',
        data: { name: 'Recent' },
        createdAt: new Date(Date.now() - 29 * day),
      } as never);
    });
    const before = await activity('?limit=500');
    expect(before.items.map((item) => item.key)).toEqual(expect.arrayContaining(['ancient', 'recent']));

    await app.running.services.jobs.enqueue('prune-activity', {});
    const after = await waitUntil(async () => {
      const log = await activity('?limit=500');
      return log.items.some((item) => item.key === 'ancient') ? undefined : log;
    }, 'the prune-activity job to delete the old entry');
    expect(after.total).toBe(before.total - 1);
    expect(after.items.map((item) => item.key)).toContain('recent');
    expect((await call('GET', '/api/system/tasks')).body.tasks.map((task: { name: string }) => task.name)).toContain('prune-activity');
  });
});
