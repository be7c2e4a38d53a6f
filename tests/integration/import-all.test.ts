import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { LiveClient, wsUrl } from '../ws/ws-client.ts';

/**
 * "Import all", "ignore this folder" and the live import list, through the real app against the
 * fixture site, with the folder watcher on.
 */
let site: FixtureSite;
let app: TestApp;
let token: string;
let root: string;
let removeRoot: () => Promise<void>;
const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });

const FOLDERS = ['Academy', 'Demo Academy (2019) [1080p]', 'Hidden Languages (2020)', 'Ignored Show', 'Nothing Like It', 'Still Running'];

async function start(): Promise<void> {
  app = await startTestApp({ root, env: { ANIWORLD_PROVIDER_URL: site.url, ANIWORLD_WATCH: 'true' } });
  token = await app.login();
}

beforeAll(async () => {
  site = await startFixtureSite({ seriesCount: 20 });
  ({ path: root, remove: removeRoot } = await makeTempDir());
  await mkdir(join(root, 'data'), { recursive: true });
  await writeFile(join(root, 'data', 'config.json'), JSON.stringify({ provider: { requests_per_second: 50 } }));
  for (const folder of FOLDERS) await mkdir(join(root, 'media', folder), { recursive: true });
  await writeFile(join(root, 'media', 'Demo Academy (2019) [1080p]', 'Demo Academy S01E02.mkv'), 'video');
  await start();
}, 60_000);

afterAll(async () => {
  await app?.dispose();
  await site?.close();
  await removeRoot?.();
});

describe('import: confident matches, ignored folders, live list', () => {
  it('says which suggestion is a confident match, and why', async () => {
    const list = await call('GET', '/api/anime/import');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 6, ignored: 0 });
    const byFolder = Object.fromEntries(list.body.items.map((item: any) => [item.folder, item]));
    expect(Object.keys(byFolder)).toEqual(FOLDERS);
    expect(byFolder['Demo Academy (2019) [1080p]'].match).toEqual({ key: 'demo-academy', reason: 'exact_title' });
    expect(byFolder['Hidden Languages (2020)'].match).toEqual({ key: 'hidden-languages', reason: 'exact_title' });
    expect(byFolder['Still Running']).toMatchObject({ linked_key: null, match: { key: 'still-running', reason: 'exact_title' } });
    // "Academy" finds Demo Academy and generated series: a person chooses.
    expect(byFolder.Academy.suggestions.length).toBeGreaterThan(1);
    expect(byFolder.Academy.match).toBeNull();
    expect(byFolder['Nothing Like It']).toMatchObject({ suggestions: [], match: null });
  });

  it('ignores a folder until taken back, across a restart, and refuses what is not a free folder', async () => {
    const live = await LiveClient.open(wsUrl(app.url, `?token=${encodeURIComponent(token)}`));
    try {
      const ignored = await call('POST', '/api/anime/import/ignored', { folder: 'Ignored Show' });
      expect(ignored.status).toBe(201);
      expect(ignored.body).toEqual({ folder: 'Ignored Show', ignored: true });
      await live.waitFor((message) => message.type === 'import_folder_changed' && message.data.folder === 'Ignored Show' && message.data.change === 'ignored');
      expect((await call('POST', '/api/anime/import/ignored', { folder: 'Ignored Show' })).status).toBe(201);
    } finally {
      live.close();
    }
    const after = await call('GET', '/api/anime/import');
    expect(after.body).toMatchObject({ total: 5, ignored: 1 });
    expect(after.body.items.map((item: any) => item.folder)).not.toContain('Ignored Show');

    expect((await call('POST', '/api/anime/import/ignored', { folder: 'No Such Folder' })).status).toBe(404);
    expect((await call('POST', '/api/anime/import/ignored', { folder: '../data' })).status).toBe(422);
    expect((await call('POST', '/api/anime/import/ignored', {})).status).toBe(422);
    expect((await call('DELETE', '/api/anime/import/ignored/Never%20Ignored')).status).toBe(404);

    app = await app.restart();
    token = await app.login();
    expect((await call('GET', '/api/anime/import/ignored')).body).toEqual({ folders: [{ folder: 'Ignored Show', ignored_at: expect.any(String) }] });
    expect((await call('GET', '/api/anime/import')).body.total).toBe(5);
  }, 60_000);

  it('imports all confident matches and leaves the rest, and the ignored folder, to a person', async () => {
    const all = await call('POST', '/api/anime/import/all', { monitored: false });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      imported: [
        { folder: 'Demo Academy (2019) [1080p]', key: 'demo-academy', name: 'Demo Academy', reason: 'exact_title' },
        { folder: 'Hidden Languages (2020)', key: 'hidden-languages', name: 'Hidden Languages', reason: 'exact_title' },
        { folder: 'Still Running', key: 'still-running', name: 'Still Running', reason: 'exact_title' },
      ],
      skipped: [
        { folder: 'Academy', reason: 'no confident match; choose one' },
        { folder: 'Nothing Like It', reason: 'no match found' },
      ],
      failed: [],
    });
    const library = (await call('GET', '/api/anime')).body;
    expect(library.map((series: any) => [series.key, series.folder, series.monitored])).toEqual([
      ['demo-academy', 'Demo Academy (2019) [1080p]', false],
      ['hidden-languages', 'Hidden Languages (2020)', false],
      ['still-running', 'Still Running', false],
    ]);
    expect(library[0].downloaded_count).toBe(1);
    expect((await call('GET', '/api/anime/import')).body.items.map((item: any) => item.folder)).toEqual(['Academy', 'Nothing Like It']);
    // An owned folder cannot be ignored; nothing left to import is an empty answer.
    expect((await call('POST', '/api/anime/import/ignored', { folder: 'Still Running' })).status).toBe(409);
    expect((await call('POST', '/api/anime/import/all', { monitored: 'yes' })).status).toBe(422);
  }, 60_000);

  it('takes an ignored folder back, and tells live clients when folders come and go on disk', async () => {
    const live = await LiveClient.open(wsUrl(app.url, `?token=${encodeURIComponent(token)}`));
    try {
      const back = await call('DELETE', `/api/anime/import/ignored/${encodeURIComponent('Ignored Show')}`);
      expect(back.body).toEqual({ folder: 'Ignored Show', ignored: false });
      await live.waitFor((message) => message.type === 'import_folder_changed' && message.data.change === 'unignored');
      expect((await call('GET', '/api/anime/import')).body.items.map((item: any) => item.folder)).toEqual(['Academy', 'Ignored Show', 'Nothing Like It']);

      await app.waitForLog((line) => line.msg === 'watching the media folder');
      await mkdir(join(app.mediaDir, 'Brand New'));
      await live.waitFor(
        (message) => message.type === 'import_folder_changed' && message.data.folder === 'Brand New' && message.data.change === 'added',
        'added',
      );
      expect((await call('GET', '/api/anime/import')).body.items.map((item: any) => item.folder)).toContain('Brand New');
      await rmdir(join(app.mediaDir, 'Brand New'));
      await live.waitFor(
        (message) => message.type === 'import_folder_changed' && message.data.folder === 'Brand New' && message.data.change === 'removed',
        'removed',
      );
      // A folder inside a series' folder is that series' business, not the import's.
      await mkdir(join(app.mediaDir, 'Still Running', 'Season 01'));
      await mkdir(join(app.mediaDir, 'Second New'));
      await live.waitFor((message) => message.type === 'import_folder_changed' && message.data.folder === 'Second New', 'second');
      const seen = live.of('import_folder_changed').map((message) => `${message.data.change} ${message.data.folder}`);
      expect(seen.filter((entry) => /Brand New|Second New/.test(entry))).toEqual(['added Brand New', 'removed Brand New', 'added Second New']);
      expect(seen.filter((entry) => /Season 01|Still Running/.test(entry))).toEqual([]);
    } finally {
      live.close();
    }
  }, 60_000);
});
